// Signal handling, emergency terminal restore for the dashboard and removal of incomplete
// output files, in C because a signal handler may only call async-signal-safe functions
// (write, tcsetattr, sigaction, raise, unlink), which Swift code cannot promise.
// TerminalSession calls the terminal functions, FileDescriptorIO the file ones.
#ifndef SCALETOP_TERMINAL_SAFETY_H
#define SCALETOP_TERMINAL_SAFETY_H

#include <signal.h>
#include <stddef.h>

/// Saves the modes of the terminal on fds 0 and 1 and installs the handlers: SIGINT sets a
/// flag; SIGTSTP asks for a suspend; SIGCONT notes a resume; every other signal whose
/// default action ends the process (SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM,
/// SIGPIPE, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGSYS, on Linux also SIGSTKFLT, SIGIO,
/// SIGPWR and the real-time signals) restores the terminal and stderr, then ends the process
/// by that default action, replacing any handler found (the Swift runtime's SIGQUIT crash
/// report); the crash signals (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGABRT) restore,
/// then take their previous action. A signal other than a crash that was ignored when the
/// process started stays ignored. Call before newterm so ncurses keeps its own handlers off
/// SIGINT, SIGTERM and SIGTSTP. Returns 0, or -1 when already active.
int scaletop_safety_begin(void);

/// The bytes that put the terminal back (mouse off, sgr0, cnorm, rmkx, rmcup), computed from
/// terminfo while it is safe to; at most 512 bytes are kept. Call before marking the screen
/// active.
void scaletop_safety_set_reset_sequence(const char *bytes, size_t length);

/// Whether curses owns the screen now; while it does, emergency paths send the reset bytes.
void scaletop_safety_set_screen_active(int active);

/// Sends what fd 2 receives to an unlinked temporary file until scaletop_safety_end (or an
/// emergency restore) releases it, when fd 2 is a terminal (a file or pipe is left alone).
/// Returns 1 if held, 0 if not.
int scaletop_safety_hold_stderr(void);

/// Releases stderr and puts back the signal actions found by scaletop_safety_begin.
void scaletop_safety_end(void);

/// 1 once SIGINT arrived since scaletop_safety_begin. A second SIGINT a second or more after
/// the first, before scaletop_safety_end, restores the terminal and ends the process by
/// SIGINT, in case the loop that should poll this is stuck.
int scaletop_safety_interrupt_requested(void);

/// 1 (and clears it) if SIGTSTP asked the screen owner to suspend.
int scaletop_safety_take_suspend_request(void);

/// 1 (and clears it) if the process was continued (SIGCONT) since the last call.
int scaletop_safety_take_continued(void);

/// Stops the process as SIGTSTP's default action would, returning once it is continued.
/// Call after endwin.
void scaletop_safety_suspend_self(void);

/// The size of the terminal on `fd` (TIOCGWINSZ); 0 on success, -1 if unknown.
int scaletop_safety_window_size(int fd, int *rows, int *columns);

/// Unblocks every signal on the calling thread, so the threads it starts later inherit an
/// empty mask: call first in main. Ignored signals stay ignored.
void scaletop_unblock_signals(void);

/// Fills `set` with the signals the child guard takes (see scaletop_child_guard_begin).
void scaletop_child_guard_signals(sigset_t *set);

/// Blocks the signals the child guard takes, saving the mask in `saved`: call before
/// spawning the child (spawn it with an empty mask), so none arrives before the guard holds.
void scaletop_child_guard_block(sigset_t *saved);

/// Until scaletop_child_guard_end, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and
/// SIGALRM kill process group `group` (SIGKILL), then end the process by their default
/// action; a signal ignored now stays ignored. Then restores the mask `saved`.
void scaletop_child_guard_begin(int group, const sigset_t *saved);

/// Puts back the signal actions scaletop_child_guard_begin found.
void scaletop_child_guard_end(void);

/// Installs the handlers that remove the files `scaletop_remove_on_signal_add` holds when
/// SIGINT, SIGTERM, SIGHUP, SIGPIPE or SIGXFSZ ends the process, then end it by that
/// signal's default action; a signal ignored at the start stays ignored. Call once in main,
/// before any handler of its own: the dashboard's (scaletop_safety_begin) replace these
/// while it owns the terminal and put them back after, so a recording it was writing when
/// a signal came stays, as far as it got.
void scaletop_remove_on_signal_begin(void);

/// Creates `path` for writing (O_CREAT | O_EXCL | O_CLOEXEC, permissions `mode`) and holds
/// it, to be removed if one of those signals ends the process before it is complete;
/// removed only if the same file is still at `path`. The signals wait while the file is
/// created and held, so none finds it created and not held. Returns the descriptor, or -1
/// with errno set as open(2) sets it. A file is not held when it is not a regular file,
/// its path has PATH_MAX bytes or more, or 16 files are held already.
int scaletop_create_removable(const char *path, int mode);

/// Lets go of the file open at `descriptor`: it is complete, or removed already.
void scaletop_remove_on_signal_forget(int descriptor);

#endif
