/* numbers.h — numbers as text, the same way in every built-in exporter
 * that writes text (CSV, JSON): integers as their digits, reals as the
 * shortest of %.15g, %.16g, %.17g that reads back as the same double, with
 * '.' whatever the process locale. Compiled into each plugin (a plugin
 * links nothing of baogao's). */
#ifndef BAOGAO_PLUGIN_NUMBERS_H
#define BAOGAO_PLUGIN_NUMBERS_H

#include <locale.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* v's digits into buf (at least 24 bytes), NUL-terminated; their length. */
size_t bg_plugin_format_integer(int64_t v, char *buf);
/* value into buf (at least 32 bytes); false when it is not finite. c_locale:
 * a "C" locale (newlocale) for the general case. */
bool bg_plugin_format_real(locale_t c_locale, double value, char *buf, size_t size);

#endif
