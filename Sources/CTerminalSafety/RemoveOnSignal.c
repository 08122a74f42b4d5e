// Files a command is writing, removed if a signal ends the process before they are
// complete (see CTerminalSafety.h). The handler calls only async-signal-safe functions
// (lstat, unlink, sigaction, raise).
#include "CTerminalSafety.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { slot_count = 16 };

struct pending_file {
    volatile sig_atomic_t used;
    int descriptor;
    dev_t device;
    ino_t inode;
    char path[PATH_MAX];
};

static struct pending_file pending[slot_count];
// Files being created and not held yet: a handler on another thread waits for them.
static volatile sig_atomic_t creating;
static const int handled[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGXFSZ};
static int installed;

static void remove_pending_and_die(int signal_number) {
    int saved = errno;
    // A thread creating a file blocks these signals, so this handler runs on another one
    // meanwhile: it waits (a few system calls' time, bounded) for the file to be held.
    for (long spins = 0; __atomic_load_n(&creating, __ATOMIC_SEQ_CST) > 0 && spins < 200000000; spins++) {
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
    }
    for (int i = 0; i < slot_count; i++) {
        if (!pending[i].used) continue;
        struct stat status;
        // Only the file this process created: not one that has taken its place since.
        if (lstat(pending[i].path, &status) == 0 && S_ISREG(status.st_mode) && status.st_dev == pending[i].device
            && status.st_ino == pending[i].inode) {
            unlink(pending[i].path);
        }
        pending[i].used = 0;
    }
    struct sigaction fallback;
    memset(&fallback, 0, sizeof fallback);
    fallback.sa_handler = SIG_DFL;
    sigemptyset(&fallback.sa_mask);
    sigaction(signal_number, &fallback, NULL);
    errno = saved;
    raise(signal_number);
}

void scaletop_remove_on_signal_begin(void) {
    if (installed) return;
    installed = 1;
    for (size_t k = 0; k < sizeof handled / sizeof handled[0]; k++) {
        struct sigaction found;
        if (sigaction(handled[k], NULL, &found) != 0) continue;
        // A signal ignored when the process started stays ignored (nohup).
        if (found.sa_handler == SIG_IGN) continue;
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = remove_pending_and_die;
        sigfillset(&action.sa_mask);
        sigaction(handled[k], &action, NULL);
    }
}

// Holds `path`, open at `descriptor`, to be removed by the handler; 0, or -1 when not held.
static int hold(const char *path, int descriptor) {
    size_t length = strlen(path);
    if (length >= PATH_MAX) return -1;
    struct stat status;
    if (fstat(descriptor, &status) != 0 || !S_ISREG(status.st_mode)) return -1;
    for (int i = 0; i < slot_count; i++) {
        if (pending[i].used) continue;
        pending[i].descriptor = descriptor;
        pending[i].device = status.st_dev;
        pending[i].inode = status.st_ino;
        memcpy(pending[i].path, path, length + 1);
        // Marked used last: a handler running now sees the whole entry or none of it.
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
        pending[i].used = 1;
        return 0;
    }
    return -1;
}

int scaletop_create_removable(const char *path, int mode) {
    // The handled signals wait while the file is created and held, here and (through
    // `creating`) in a handler on another thread: one that came between the two would end
    // the process with the new file left behind, not yet held.
    sigset_t blocked, saved;
    sigemptyset(&blocked);
    for (size_t k = 0; k < sizeof handled / sizeof handled[0]; k++) sigaddset(&blocked, handled[k]);
    pthread_sigmask(SIG_BLOCK, &blocked, &saved);
    __atomic_add_fetch(&creating, 1, __ATOMIC_SEQ_CST);
    int descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)mode);
    int saved_errno = errno;
    if (descriptor >= 0) hold(path, descriptor);
    __atomic_sub_fetch(&creating, 1, __ATOMIC_SEQ_CST);
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    errno = saved_errno;
    return descriptor;
}

void scaletop_remove_on_signal_forget(int descriptor) {
    for (int i = 0; i < slot_count; i++) {
        if (pending[i].used && pending[i].descriptor == descriptor) pending[i].used = 0;
    }
}
