/* budget.c — the per-thread document budget (budget.h). */
#include "budget.h"

#include <time.h>

typedef struct budget {
    const volatile sig_atomic_t *stop;
    double seconds;
    struct timespec deadline;
    bool limited;
    unsigned calls;
    bg_budget_state state;
} budget;

static _Thread_local budget current;

void bg_budget_begin(const volatile sig_atomic_t *stop, double seconds)
{
    current.stop = stop;
    current.seconds = seconds > 0 ? seconds : 0;
    current.limited = seconds > 0;
    current.calls = 0;
    current.state = BG_BUDGET_OK;
    if (current.limited) {
        clock_gettime(CLOCK_MONOTONIC, &current.deadline);
        double whole = (double)(long)seconds;
        current.deadline.tv_sec += (time_t)whole;
        current.deadline.tv_nsec += (long)((seconds - whole) * 1e9);
        if (current.deadline.tv_nsec >= 1000000000L) {
            current.deadline.tv_sec++;
            current.deadline.tv_nsec -= 1000000000L;
        }
    }
}

void bg_budget_end(void)
{
    current.stop = NULL;
    current.limited = false;
    current.state = BG_BUDGET_OK;
}

bool bg_budget_exceeded(void)
{
    if (current.state != BG_BUDGET_OK)
        return true;
    if (current.stop && *current.stop) {
        current.state = BG_BUDGET_STOPPED;
        return true;
    }
    if (!current.limited || ++current.calls % BG_BUDGET_STRIDE != 0)
        return false;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec > current.deadline.tv_sec ||
        (now.tv_sec == current.deadline.tv_sec && now.tv_nsec >= current.deadline.tv_nsec)) {
        current.state = BG_BUDGET_EXPIRED;
        return true;
    }
    return false;
}

bg_budget_state bg_budget_get(void)
{
    return current.state;
}

double bg_budget_seconds(void)
{
    return current.seconds;
}
