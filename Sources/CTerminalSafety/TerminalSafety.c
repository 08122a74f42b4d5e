// Everything a signal handler does here is async-signal-safe: atomics, write, read, lseek,
// dup2, close, tcsetattr, sigaction, sigprocmask, raise, clock_gettime.
#include "CTerminalSafety.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#ifndef NSIG
#define NSIG 65
#endif

/// What a signal does to the process by default, and so what our handler does with it.
enum signal_kind {
    /// Not ours: its default is to do nothing, or it cannot be caught.
    kind_none,
    /// SIGINT: asks the loop to quit.
    kind_interrupt,
    /// SIGTSTP: asks the screen owner to suspend.
    kind_suspend,
    /// SIGCONT: notes a resume.
    kind_continue,
    /// Ends the process (SIGTERM, SIGQUIT, SIGUSR1, SIGPIPE, ...): restore, then end by it.
    kind_terminate,
    /// A crash: restore, then take the previous action (Swift's backtracer, or the default).
    kind_crash,
};

static enum signal_kind kind_of(int number) {
    switch (number) {
    case SIGINT: return kind_interrupt;
    case SIGTSTP: return kind_suspend;
    case SIGCONT: return kind_continue;
    case SIGSEGV: case SIGBUS: case SIGILL: case SIGFPE: case SIGTRAP: case SIGABRT:
        return kind_crash;
    case SIGHUP: case SIGQUIT: case SIGTERM: case SIGUSR1: case SIGUSR2: case SIGPIPE:
    case SIGALRM: case SIGXCPU: case SIGXFSZ: case SIGVTALRM: case SIGPROF: case SIGSYS:
#ifdef SIGSTKFLT
    case SIGSTKFLT:
#endif
#ifdef __linux__
    // Linux ends the process on these two; BSDs ignore SIGIO and have no SIGPWR.
    case SIGIO: case SIGPWR:
#endif
        return kind_terminate;
    default:
        break;
    }
#ifdef SIGRTMIN
    if (number >= SIGRTMIN && number <= SIGRTMAX) return kind_terminate;
#endif
    return kind_none;
}

/// For each signal number: whether we hold it, and what it did before.
static int installed[NSIG];
static struct sigaction previous[NSIG];
/// Signals ignored when the process started (nohup, a background job): they stay ignored.
static int ignored_at_start[NSIG];

static int is_ignored(const struct sigaction *action) {
    return !(action->sa_flags & SA_SIGINFO) && action->sa_handler == SIG_IGN;
}

/// Notes the ignored signals before main runs, so one the program itself ignores later
/// (SIGPIPE, to see EPIPE from a write) is still caught while the dashboard runs.
__attribute__((constructor)) static void note_ignored_at_start(void) {
    for (int number = 1; number < NSIG; number++) {
        struct sigaction action;
        if (sigaction(number, NULL, &action) == 0) ignored_at_start[number] = is_ignored(&action);
    }
}

static atomic_int active;
static atomic_int screen_active;
static atomic_int suspend_requested;
static atomic_int continued;
/// Monotonic milliseconds (plus one, so never 0) of the first SIGINT; 0 before it.
static atomic_llong first_interrupt_ms;

static char reset_bytes[512];
static size_t reset_length;

static struct termios saved_modes[2];
static int saved_modes_valid[2];

static atomic_int stderr_held;
static int held_fd = -1;
static int original_stderr = -1;

static char alternate_stack[64 * 1024];
static int exit_hook_registered;

static void write_all(int fd, const char *bytes, size_t length) {
    while (length > 0) {
        ssize_t written = write(fd, bytes, length);
        if (written < 0) {
            if (errno == EINTR) continue;
            return;
        }
        bytes += written;
        length -= (size_t)written;
    }
}

static void restore_terminal_now(void) {
    if (!atomic_exchange(&screen_active, 0)) return;
    write_all(STDOUT_FILENO, reset_bytes, reset_length);
    for (int fd = 0; fd < 2; fd++) {
        // TCSANOW: waiting for output to drain could hang a dying process.
        if (saved_modes_valid[fd]) tcsetattr(fd, TCSANOW, &saved_modes[fd]);
    }
}

/// Puts fd 2 back and copies what was held to it; at most once per hold.
static void release_stderr(void) {
    if (!atomic_exchange(&stderr_held, 0)) return;
    dup2(original_stderr, STDERR_FILENO);
    close(original_stderr);
    if (lseek(held_fd, 0, SEEK_SET) == 0) {
        char chunk[4096];
        for (;;) {
            ssize_t count = read(held_fd, chunk, sizeof chunk);
            if (count < 0 && errno == EINTR) continue;
            if (count <= 0) break;
            write_all(STDERR_FILENO, chunk, (size_t)count);
        }
    }
    close(held_fd);
}

static void restore_everything_now(void) {
    restore_terminal_now();
    release_stderr();
}

static void set_default_action(int number) {
    struct sigaction action = {0};
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    sigaction(number, &action, NULL);
}

static long long monotonic_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000 + 1;
}

static void on_interrupt(int number) {
    int saved_errno = errno;
    long long now = monotonic_ms();
    long long first = 0;
    if (!atomic_compare_exchange_strong(&first_interrupt_ms, &first, now) && now - first >= 1000) {
        // The loop has not acted on the first Ctrl-C for a second: end by SIGINT (status 130).
        restore_everything_now();
        set_default_action(number);
        raise(number);
    }
    errno = saved_errno;
}

/// Stops the process by SIGTSTP's default action and comes back with our handler in place.
static void stop_now(void);

static void on_suspend(int number) {
    (void)number;
    int saved_errno = errno;
    if (atomic_load(&screen_active)) {
        // Leaving curses (endwin) is not async-signal-safe: the screen owner does it.
        atomic_store(&suspend_requested, 1);
    } else {
        stop_now();
    }
    errno = saved_errno;
}

static void on_continue(int number) {
    (void)number;
    atomic_store(&continued, 1);
}

/// SIGTERM, SIGQUIT, SIGUSR1, SIGPIPE and every other signal whose default ends the
/// process: restore, then end by that default, whatever handler was there before us. (The
/// Swift runtime's backtracer holds SIGQUIT: it would print a crash report and return,
/// leaving the dashboard running on a restored, so broken, screen.)
static void on_terminate(int number) {
    restore_everything_now();
    set_default_action(number);
    // Blocked until this handler returns, then it ends the process with the right status.
    raise(number);
}

/// Crashes: restore, then let the previous action (Swift's backtracer, or the default) end us.
static void on_crash(int number, siginfo_t *info, void *context) {
    (void)context;
    restore_everything_now();
    sigaction(number, &previous[number], NULL);
    int fault = number == SIGSEGV || number == SIGBUS || number == SIGILL || number == SIGFPE;
    // A fault raised by the CPU recurs when the instruction runs again, with its real
    // details for the next handler (such as Swift's backtracer); anything else is re-sent.
    if (!fault || info == NULL || info->si_code <= 0) raise(number);
}

static void install(int number) {
    struct sigaction action = {0};
    sigemptyset(&action.sa_mask);
    switch (kind_of(number)) {
    case kind_interrupt:
        action.sa_handler = on_interrupt;
        action.sa_flags = SA_RESTART;
        break;
    case kind_suspend:
        action.sa_handler = on_suspend;
        action.sa_flags = SA_RESTART;
        break;
    case kind_continue:
        action.sa_handler = on_continue;
        action.sa_flags = SA_RESTART;
        break;
    case kind_terminate:
        action.sa_handler = on_terminate;
        action.sa_flags = SA_ONSTACK;
        sigfillset(&action.sa_mask);
        break;
    case kind_crash:
        action.sa_sigaction = on_crash;
        action.sa_flags = SA_SIGINFO | SA_ONSTACK;
        sigfillset(&action.sa_mask);
        break;
    case kind_none:
        return;
    }
    sigaction(number, &action, NULL);
}

static void stop_now(void) {
    set_default_action(SIGTSTP);
    raise(SIGTSTP);
    // Inside our handler SIGTSTP is blocked: unblocking delivers it, and we stop here.
    sigset_t tstp;
    sigemptyset(&tstp);
    sigaddset(&tstp, SIGTSTP);
    sigprocmask(SIG_UNBLOCK, &tstp, NULL);
    if (installed[SIGTSTP]) install(SIGTSTP);
}

static void at_exit(void) {
    // Someone called exit() with the screen up: the terminal still has to come back.
    if (atomic_load(&active)) restore_everything_now();
}

/// Gives the main thread's crash handlers a stack of their own, so a stack overflow
/// still restores the terminal; an alternate stack already set up is kept.
static void ensure_alternate_stack(void) {
    stack_t current;
    if (sigaltstack(NULL, &current) != 0 || !(current.ss_flags & SS_DISABLE)) return;
    stack_t ours = {0};
    ours.ss_sp = alternate_stack;
    ours.ss_size = sizeof alternate_stack;
    sigaltstack(&ours, NULL);
}

int scaletop_safety_begin(void) {
    if (atomic_load(&active)) return -1;
    atomic_store(&suspend_requested, 0);
    atomic_store(&continued, 0);
    atomic_store(&first_interrupt_ms, 0);
    atomic_store(&screen_active, 0);
    reset_length = 0;
    for (int fd = 0; fd < 2; fd++) {
        saved_modes_valid[fd] = tcgetattr(fd, &saved_modes[fd]) == 0;
    }
    ensure_alternate_stack();
    for (int number = 1; number < NSIG; number++) {
        enum signal_kind kind = kind_of(number);
        installed[number] = 0;
        if (kind == kind_none || sigaction(number, NULL, &previous[number]) != 0) continue;
        // A signal ignored since the process started (nohup, a background job) stays ignored.
        if (kind != kind_crash && is_ignored(&previous[number]) && ignored_at_start[number]) continue;
        installed[number] = 1;
        install(number);
    }
    if (!exit_hook_registered) exit_hook_registered = atexit(at_exit) == 0;
    atomic_store(&active, 1);
    return 0;
}

void scaletop_safety_set_reset_sequence(const char *bytes, size_t length) {
    // Handlers read these only while screen_active is set, which the caller sets afterwards.
    if (length > sizeof reset_bytes) length = sizeof reset_bytes;
    for (size_t i = 0; i < length; i++) reset_bytes[i] = bytes[i];
    reset_length = length;
}

void scaletop_safety_set_screen_active(int is_active) {
    atomic_store(&screen_active, is_active ? 1 : 0);
}

static int open_hold_file(const char *directory) {
    char path[4096];
    int length = snprintf(path, sizeof path, "%s/scaletop-stderr-XXXXXX", directory);
    if (length <= 0 || (size_t)length >= sizeof path) return -1;
    int fd = mkstemp(path);
    if (fd < 0) return -1;
    unlink(path);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}

int scaletop_safety_hold_stderr(void) {
    if (atomic_load(&stderr_held) || !isatty(STDERR_FILENO)) return 0;
    const char *directory = getenv("TMPDIR");
    int fd = (directory != NULL && *directory != '\0') ? open_hold_file(directory) : -1;
    if (fd < 0) fd = open_hold_file("/tmp");
    if (fd < 0) return 0;
    int saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
    if (saved < 0) {
        close(fd);
        return 0;
    }
    held_fd = fd;
    original_stderr = saved;
    atomic_store(&stderr_held, 1);
    if (dup2(fd, STDERR_FILENO) < 0) {
        release_stderr();
        return 0;
    }
    return 1;
}

void scaletop_safety_end(void) {
    if (!atomic_exchange(&active, 0)) return;
    atomic_store(&screen_active, 0);
    release_stderr();
    for (int number = 1; number < NSIG; number++) {
        if (installed[number]) sigaction(number, &previous[number], NULL);
        installed[number] = 0;
    }
}

int scaletop_safety_interrupt_requested(void) {
    return atomic_load(&first_interrupt_ms) != 0;
}

int scaletop_safety_take_suspend_request(void) {
    return atomic_exchange(&suspend_requested, 0);
}

int scaletop_safety_take_continued(void) {
    return atomic_exchange(&continued, 0);
}

void scaletop_safety_suspend_self(void) {
    stop_now();
}

int scaletop_safety_window_size(int fd, int *rows, int *columns) {
    struct winsize size;
    if (ioctl(fd, TIOCGWINSZ, &size) != 0 || size.ws_row == 0 || size.ws_col == 0) return -1;
    *rows = size.ws_row;
    *columns = size.ws_col;
    return 0;
}
