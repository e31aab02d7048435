/* numbers.c — numbers as text for the built-in text exporters (numbers.h). */
#define _GNU_SOURCE
#include "numbers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t bg_plugin_format_integer(int64_t v, char *buf)
{
    char digits[24];
    size_t n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    size_t len = 0;
    if (v < 0)
        buf[len++] = '-';
    while (n)
        buf[len++] = digits[--n];
    buf[len] = '\0';
    return len;
}

/* Most figures of a report have a few decimals (8.5, 6.5, 0.35): written as
 * digits with the point put in, when that is exactly what %.15g writes, so
 * that the common case costs no printf. false: take the general way. */
static bool format_short_real(double value, char *buf)
{
    if (!(fabs(value) < 1e12))
        return false;
    double scale = 1;
    for (int k = 0; k <= 4; k++, scale *= 10) {
        double scaled = value * scale;
        if (scaled != nearbyint(scaled))
            continue;
        int64_t m = (int64_t)scaled;
        while (k > 0 && m % 10 == 0) { /* 4538.65 * 1000 may come out whole where * 100 did not */
            m /= 10;
            k--;
        }
        /* m / 10^k without trailing zeros in the fraction, at most 15
         * significant digits, no exponent (|value| >= 1e-4 and < 1e12):
         * what %.15g writes for the double nearest to it */
        char digits[24];
        size_t n = bg_plugin_format_integer(m < 0 ? -m : m, digits);
        if (n > 15)
            return false;
        size_t len = 0;
        if (m < 0)
            buf[len++] = '-';
        if ((size_t)k >= n) {
            buf[len++] = '0';
            buf[len++] = '.';
            for (size_t z = 0; z < (size_t)k - n; z++)
                buf[len++] = '0';
            memcpy(buf + len, digits, n);
            len += n;
        } else {
            memcpy(buf + len, digits, n - (size_t)k);
            len += n - (size_t)k;
            if (k) {
                buf[len++] = '.';
                memcpy(buf + len, digits + n - (size_t)k, (size_t)k);
                len += (size_t)k;
            }
        }
        buf[len] = '\0';
        /* the digits must name this very double, as %.15g's would */
        return strtod(buf, NULL) == value;
    }
    return false;
}

/* The shortest of %.15g, %.16g, %.17g that reads back as value, with '.' as
 * the decimal point whatever the process locale. */
bool bg_plugin_format_real(locale_t c_locale, double value, char *buf, size_t size)
{
    if (!isfinite(value))
        return false;
    if (value == 0) { /* -0 too, as %.15g writes it */
        snprintf(buf, size, "%s", signbit(value) ? "-0" : "0");
        return true;
    }
    if (format_short_real(value, buf))
        return true;
    locale_t previous = uselocale(c_locale);
    for (int precision = 15; precision <= 17; precision++) {
        snprintf(buf, size, "%.*g", precision, value);
        if (strtod(buf, NULL) == value)
            break;
    }
    uselocale(previous);
    return true;
}
