// Files a command is writing, removed if a signal ends the process before they are
// complete (see CTerminalSafety.h). The handler calls only async-signal-safe functions
// (lstat, unlink, sigaction, raise).
#include "CTerminalSafety.h"

#include <errno.h>
#include <limits.h>
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
static const int handled[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGXFSZ};
static int installed;

static void remove_pending_and_die(int signal_number) {
    int saved = errno;
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

int scaletop_remove_on_signal_add(const char *path, int descriptor) {
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

void scaletop_remove_on_signal_forget(int descriptor) {
    for (int i = 0; i < slot_count; i++) {
        if (pending[i].used && pending[i].descriptor == descriptor) pending[i].used = 0;
    }
}
