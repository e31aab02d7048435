/* budget.h — how long one document may keep a worker: the run's stop flag
 * (SIGINT/SIGTERM) and a deadline, set per thread before a document is
 * worked on and checked by every stage in its loops, so that a signal stops
 * a busy worker within a second and no document runs away with the run.
 * Checking is cheap: the clock is read every BG_BUDGET_STRIDE calls. */
#ifndef BAOGAO_BUDGET_H
#define BAOGAO_BUDGET_H

#include <signal.h>
#include <stdbool.h>

enum { BG_BUDGET_STRIDE = 256 };

typedef enum bg_budget_state { BG_BUDGET_OK = 0, BG_BUDGET_STOPPED = 1, BG_BUDGET_EXPIRED = 2 } bg_budget_state;

/* Starts the calling thread's budget: stop (may be NULL) is the run's flag,
 * seconds the time allowed from now (0: no limit). */
void bg_budget_begin(const volatile sig_atomic_t *stop, double seconds);
/* Ends it: later checks never trip. */
void bg_budget_end(void);
/* True when the thread's document should stop now (the state says why; it
 * stays tripped until the next begin). */
bool bg_budget_exceeded(void);
bg_budget_state bg_budget_get(void);
/* The limit of the current budget in seconds (0 when none), for messages. */
double bg_budget_seconds(void);

#endif
