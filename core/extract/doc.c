/* doc.c — a document view over a text alone (doc.h). */
#include "extract/doc.h"

bg_error bg_doc_for_text(const bg_text *text, const char *doc_id, int plan_year, bg_breaks *breaks, bg_doc *out)
{
    bg_error e = bg_breaks_build(text->text, text->length, breaks);
    if (e)
        return e;
    *out = (bg_doc){.text = text, .breaks = breaks, .outline = NULL, .doc_id = doc_id, .plan_year = plan_year,
                    .words = {.text = text->text, .length = text->length}};
    return BG_E_OK;
}
