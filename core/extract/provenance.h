/* provenance.h — where a scraped page came from and when it was published:
 * the site's "本文地址:" (or a CSV corpus's url column) and a page date line
 * such as "2021年12月31日 星期五" or "发布时间：2023-01-31". Read from the
 * decoded text before boilerplate removal, since both live in site chrome. */
#ifndef BAOGAO_PROVENANCE_H
#define BAOGAO_PROVENANCE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct bg_provenance {
    char *origin_path; /* malloc'ed, or NULL */
    bool has_publish_date;
    int publish_year, publish_month, publish_day;
} bg_provenance;

/* hint_url (a CSV container's url column) wins over the page's own line. */
void bg_provenance_find(const char *utf8, size_t length, const char *hint_url, bg_provenance *out);
void bg_provenance_free(bg_provenance *p);

#endif
