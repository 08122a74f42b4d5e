// The parts of wide-character ncurses that Swift can use directly, plus `static inline`
// shims for the globals and function-like macros it cannot import. Values always come
// from the real headers: nothing here copies a macro's value by hand.
#ifndef SCALETOP_CNCURSES_SHIM_H
#define SCALETOP_CNCURSES_SHIM_H

// The wide-character API (cchar_t, wget_wch, add_wchnstr) is only declared with these.
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <stdio.h>
#include <locale.h>
#include <langinfo.h>
#include <string.h>
#include <ncursesw/curses.h>
#include <ncursesw/term.h>

// Swift 6 rejects C globals (mutable, not concurrency-safe): read them through functions.
static inline FILE *scaletop_stdout(void) { return stdout; }
static inline FILE *scaletop_stdin(void) { return stdin; }
static inline WINDOW *scaletop_stdscr(void) { return stdscr; }
static inline WINDOW *scaletop_curscr(void) { return curscr; }
static inline int scaletop_lines(void) { return LINES; }
static inline int scaletop_cols(void) { return COLS; }
static inline int scaletop_colors(void) { return COLORS; }

static inline int scaletop_ok(void) { return OK; }

// Attributes are built with NCURSES_BITS, which Swift cannot evaluate.
static inline attr_t scaletop_a_normal(void) { return A_NORMAL; }
static inline attr_t scaletop_a_bold(void) { return A_BOLD; }
static inline attr_t scaletop_a_dim(void) { return A_DIM; }
static inline attr_t scaletop_a_reverse(void) { return A_REVERSE; }

static inline int scaletop_key_f(int n) { return KEY_F(n); }

static inline mmask_t scaletop_button1_pressed(void) { return BUTTON1_PRESSED; }

/// Reads the pending mouse event; returns OK and fills the cell and button state, or ERR.
static inline int scaletop_getmouse(int *x, int *y, mmask_t *bstate) {
    MEVENT event;
    if (getmouse(&event) != OK) return ERR;
    *x = event.x;
    *y = event.y;
    *bstate = event.bstate;
    return OK;
}

/// Whether the current LC_CTYPE codeset is UTF-8 (call after setlocale).
static inline int scaletop_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

/// A terminfo string capability by name, or NULL when absent or cancelled.
static inline const char *scaletop_tigetstr(const char *name) {
    char *value = tigetstr(name);
    if (value == NULL || value == (char *)-1) return NULL;
    return value;
}

/// Whether TERM names a terminal that can address the cursor, found from terminfo alone:
/// nothing is written and no mode changes, unlike newterm (which accepts TERM=dumb).
static inline int scaletop_terminal_can_address_cursor(int fd) {
    int status = 0;
    if (setupterm(NULL, fd, &status) != OK) return 0;
    int usable = scaletop_tigetstr("cup") != NULL;
    del_curterm(cur_term);
    return usable;
}

/// `capability` with one numeric parameter, expanded (tparm is variadic in some builds).
static inline const char *scaletop_tparm1(const char *capability, int p1) {
    return tiparm(capability, p1);
}

#endif
