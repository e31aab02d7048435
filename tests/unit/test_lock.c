/* test_lock.c — one run per job: a second holder is refused with the pid. */
#include "run/lock.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void test_second_lock_refused_with_pid(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/baogao-lock-XXXXXX";
    char *dir = mkdtemp(tmpl);
    char path[256];
    snprintf(path, sizeof path, "%s/nested/job.lock", dir);
    bg_lock a, b;
    char msg[256];
    assert_int_equal(bg_lock_acquire(path, &a, msg, sizeof msg), BG_E_OK);
    /* flock is per open file description: a child process must be refused. */
    pid_t child = fork();
    if (child == 0) {
        bg_error e = bg_lock_acquire(path, &b, msg, sizeof msg);
        char expect[64];
        snprintf(expect, sizeof expect, "(pid %ld)", (long)getppid());
        _exit(e == BG_E_LOCKED && strstr(msg, expect) ? 0 : 1);
    }
    int status;
    waitpid(child, &status, 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    bg_lock_release(&a);
    /* Released: it can be taken again. */
    assert_int_equal(bg_lock_acquire(path, &b, msg, sizeof msg), BG_E_OK);
    bg_lock_release(&b);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_second_lock_refused_with_pid)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
