// Ends a child's process group with scaletop: `bench --c-baseline` runs the baseline in a
// group of its own, so that a timeout stops whatever it started, and a signal sent to
// scaletop alone would otherwise leave it running. Everything the handler does is
// async-signal-safe: an atomic load, kill, sigaction, raise.
#include "CTerminalSafety.h"

#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

/// The signals that end scaletop by default and that a user or a supervisor sends.
static const int guarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM};
enum { guarded_count = sizeof guarded / sizeof guarded[0] };

static atomic_int guarded_group;
static struct sigaction guard_previous[guarded_count];
static int guard_installed[guarded_count];

/// Kills the guarded group, then ends the process by the signal's default action.
static void end_group_then_self(int number) {
    int group = atomic_load(&guarded_group);
    if (group > 0) kill(-group, SIGKILL);
    struct sigaction fallback;
    memset(&fallback, 0, sizeof fallback);
    fallback.sa_handler = SIG_DFL;
    sigemptyset(&fallback.sa_mask);
    sigaction(number, &fallback, NULL);
    // Blocked while this handler runs, so it ends the process as the handler returns.
    raise(number);
}

void scaletop_unblock_signals(void) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

void scaletop_child_guard_signals(sigset_t *set) {
    sigemptyset(set);
    for (int i = 0; i < guarded_count; i++) sigaddset(set, guarded[i]);
}

void scaletop_child_guard_block(sigset_t *saved) {
    sigset_t set;
    scaletop_child_guard_signals(&set);
    sigprocmask(SIG_BLOCK, &set, saved);
}

void scaletop_child_guard_begin(int group, const sigset_t *saved) {
    atomic_store(&guarded_group, group);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = end_group_then_self;
    sigemptyset(&action.sa_mask);
    for (int i = 0; i < guarded_count; i++) {
        guard_installed[i] = 0;
        if (sigaction(guarded[i], NULL, &guard_previous[i]) != 0) continue;
        // A signal ignored (nohup, a background job) stays ignored.
        if (!(guard_previous[i].sa_flags & SA_SIGINFO) && guard_previous[i].sa_handler == SIG_IGN) continue;
        guard_installed[i] = sigaction(guarded[i], &action, NULL) == 0;
    }
    sigprocmask(SIG_SETMASK, saved, NULL);
}

void scaletop_child_guard_end(void) {
    sigset_t saved;
    scaletop_child_guard_block(&saved);
    for (int i = 0; i < guarded_count; i++) {
        if (guard_installed[i]) sigaction(guarded[i], &guard_previous[i], NULL);
        guard_installed[i] = 0;
    }
    atomic_store(&guarded_group, 0);
    sigprocmask(SIG_SETMASK, &saved, NULL);
}
