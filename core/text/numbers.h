/* numbers.h — figures as Chinese reports write them, as the figure-reading
 * stages (targets, commitments, lists) read them: decimals, ranges (6%—6.5%, 4.5-5%, 6.5%至7%), units with their base
 * unit and factor (110亿元 → 11000000000 元), Chinese numerals (十大, 两个, 一百二十, 百分之八) outside fixed phrases
 * (两会, 十四五, 一带一路, 三农), Everything loaded here is immutable afterwards and safe to share. */
#ifndef BAOGAO_TEXT_NUMBERS_H
#define BAOGAO_TEXT_NUMBERS_H

#include "problems.h"
#include "text/words.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

/* ---- numbers ------------------------------------------------------------ */

/* Reads an ASCII decimal (digits, one optional '.' followed by digits) at
 * s[at]. Returns the end offset, or at when no digit starts there. No
 * thousands separators: a folded "，" between two figures is a clause break. */
size_t bg_parse_decimal(const char *s, size_t n, size_t at, double *value);

/* Reads a Chinese numeral at s[at] (零〇一二两三四五六七八九十百千; 万 and 亿
 * are left to the unit, so 两万人 reads as 2 万人). Returns the end offset,
 * or at when none. "一二" (two digits in a row) stops after the first. */
size_t bg_parse_chinese_numeral(const char *s, size_t n, size_t at, double *value);

/* True when the Chinese numeral at s[start, end) is part of a fixed phrase
 * (两会, 十四五, 一带一路, 三农, 两个确立 …), inside “quotes”, or an ordinal
 * (第三): it is a name, not a count. */
bool bg_chinese_numeral_is_phrase(const char *s, size_t n, size_t start, size_t end);

/* ---- units --------------------------------------------------------------- */

typedef struct bg_unit {
    char *text;    /* as written: 亿元, 万人, 个百分点 */
    size_t length; /* strlen(text) */
    char *name;    /* the unit reported in the unit column: text, or its "as" (pp) */
    char *base;    /* base unit: 元, 人, 吨/年 */
    double factor; /* value * factor = base value */
    bool chinese;  /* may follow a Chinese numeral (两个, 三家); not 元, 米 … */
} bg_unit;

typedef struct bg_units {
    bg_unit *items; /* sorted longest text first so the longest unit wins */
    size_t count;
    bg_words words; /* the items' texts in the same order, for a lexicon */
} bg_units;

/* Loads rules_root "units": [{"text", "base", "factor", "as"?, "chinese"?}].
 * Problems name the file and JSON path. Returns false on any problem. */
bool bg_units_load(bg_units *units, const cJSON *rules_root, const char *rules_file, bg_problems *problems);
void bg_units_free(bg_units *units);
/* The longest unit written at s[at], or NULL. */
const bg_unit *bg_units_at(const bg_units *units, const char *s, size_t n, size_t at);
const bg_unit *bg_units_find(const bg_units *units, const char *text);

/* ---- quantities ------------------------------------------------------------
 */

/* A figure with its unit as written: 110亿元, 6%—6.5%, 4.5-5%, 两个, 百分之八.
 */
typedef struct bg_quantity {
    size_t start, end;       /* the whole quantity, unit included */
    double value, value_max; /* value_max valid when has_max */
    bool has_max;
    size_t sep_start, sep_end; /* the range separator as written */
    const bg_unit *unit;       /* NULL when no unit follows */
    bool chinese;              /* written in Chinese numerals */
} bg_quantity;

/* Reads a quantity starting at s[at]. ASCII figures may stand without a unit;
 * Chinese numerals only before a unit marked "chinese" and outside fixed
 * phrases. range_seps: separators allowed between two figures (may be NULL).
 * A figure glued to Latin letters (PM2.5, 5G) or followed by 年/月/日 is no
 * quantity. Returns false when none starts at `at`. */
/* The Chinese numeral characters a figure may start with, as a word list
 * for a lexicon to find them (ASCII digits are found faster byte by byte;
 * false: no memory). Free with bg_words_free. */
bool bg_figure_start_words(bg_words *w);
bool bg_quantity_at(const bg_units *units, const bg_words *range_seps, const char *s, size_t n, size_t at,
                    bg_quantity *q);
/* The same, the units and range separators after the figure looked up in
 * an index of the text's words (NULL: word by word). */
bool bg_quantity_at_with(const bg_units *units, const bg_words *range_seps, const bg_word_index *words, const char *s,
                         size_t n, size_t at, bg_quantity *q);

/* Removes whitespace (ASCII, U+3000, NBSP; line breaks too when drop_newlines)
 * from text[from, to): returns a malloc'ed NUL-terminated copy and a
 * malloc'ed map (length + 1 entries) from its bytes to offsets in text. */
char *bg_compact(const char *text, size_t from, size_t to, bool drop_newlines, size_t **map, size_t *length);

#endif
