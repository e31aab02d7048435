/* test_decode.c — encoding detection and HTML flattening. */
#include "hash.h"
#include "source/decode.h"
#include "text/utf8.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void decode_ok(const char *bytes, size_t size, const char *name, const char *encoding, const char *format,
                      bg_decoded *d)
{
    char msg[256] = "";
    bg_error e = bg_decode(bytes, size, name, encoding, format, d, msg, sizeof msg);
    if (e != BG_E_OK)
        fail_msg("decode failed: %s", msg);
}

static void test_utf8_plain(void **state)
{
    (void)state;
    bg_decoded d;
    const char *s = "地区生产总值增长8%以上";
    decode_ok(s, strlen(s), "a.txt", "auto", "auto", &d);
    assert_string_equal(d.utf8, s);
    assert_string_equal(d.encoding, "utf-8");
    assert_string_equal(d.reason, "valid utf-8");
    assert_string_equal(d.format, "text");
    bg_decoded_free(&d);
}

static void test_utf8_bom_stripped(void **state)
{
    (void)state;
    bg_decoded d;
    const char s[] = "\xEF\xBB\xBF报告";
    decode_ok(s, sizeof s - 1, "a.txt", "auto", "auto", &d);
    assert_string_equal(d.utf8, "报告");
    assert_string_equal(d.reason, "bom");
    bg_decoded_free(&d);
}

/* 政府工作报告 in GB18030/GBK. */
static const char gbk_report[] = "\xD5\xFE\xB8\xAE\xB9\xA4\xD7\xF7\xB1\xA8\xB8\xE6";

static void test_gb18030_fallback(void **state)
{
    (void)state;
    bg_decoded d;
    decode_ok(gbk_report, sizeof gbk_report - 1, "a.txt", "auto", "auto", &d);
    assert_string_equal(d.utf8, "政府工作报告");
    assert_string_equal(d.encoding, "gb18030");
    assert_string_equal(d.reason, "fallback");
    bg_decoded_free(&d);
}

static void test_gbk_label_is_gb18030(void **state)
{
    (void)state;
    bg_decoded d;
    decode_ok(gbk_report, sizeof gbk_report - 1, "a.txt", "gbk", "text", &d);
    assert_string_equal(d.utf8, "政府工作报告");
    assert_string_equal(d.encoding, "gb18030");
    assert_string_equal(d.reason, "config");
    bg_decoded_free(&d);
}

static void test_utf8_forced_on_gbk_fails(void **state)
{
    (void)state;
    bg_decoded d;
    char msg[256];
    assert_int_equal(bg_decode(gbk_report, sizeof gbk_report - 1, "bad.txt", "utf-8", "text", &d, msg, sizeof msg),
                     BG_E_DECODE);
    assert_non_null(strstr(msg, "bad.txt"));
}

static void test_html_meta_charset(void **state)
{
    (void)state;
    char page[512];
    int n = snprintf(page, sizeof page,
                     "<html><head><meta charset=\"gb2312\"><title>t</title></head><body><p>%s</p></body></html>",
                     gbk_report);
    bg_decoded d;
    decode_ok(page, (size_t)n, "page.html", "auto", "auto", &d);
    assert_string_equal(d.encoding, "gb18030");
    assert_string_equal(d.reason, "meta");
    assert_string_equal(d.format, "html");
    assert_non_null(strstr(d.utf8, "政府工作报告"));
    bg_decoded_free(&d);
}

static void test_html_flattening(void **state)
{
    (void)state;
    const char *page = "<!DOCTYPE html><html><head><style>p{color:red}</style><script>var x='脚本';</script></head>"
                       "<body><nav>导航 首页</nav><h1>某市政府工作报告</h1>\n"
                       "<p>地区生产总值达到<span>185</span><span>亿元</span>，\n增长8%。</p>"
                       "<div>第二段<br>第三行</div></body></html>";
    bg_decoded d;
    decode_ok(page, strlen(page), "x.htm", "auto", "auto", &d);
    assert_null(strstr(d.utf8, "脚本"));
    assert_null(strstr(d.utf8, "color"));
    assert_null(strstr(d.utf8, "导航"));
    assert_non_null(strstr(d.utf8, "某市政府工作报告\n"));
    /* Inline tags vanish without adding spaces; source newlines are not text. */
    assert_non_null(strstr(d.utf8, "达到185亿元，增长8%。"));
    assert_non_null(strstr(d.utf8, "第二段\n第三行"));
    bg_decoded_free(&d);
}

static void test_html_sniffed_without_extension(void **state)
{
    (void)state;
    const char *page = "<html><body><p>甲</p><p>乙</p></body></html>";
    bg_decoded d;
    decode_ok(page, strlen(page), "noext", "auto", "auto", &d);
    assert_string_equal(d.format, "html");
    assert_non_null(strstr(d.utf8, "甲\n乙"));
    bg_decoded_free(&d);
}

static void test_nul_bytes_refused(void **state)
{
    (void)state;
    bg_decoded d;
    char msg[256];
    const char bytes[] = "abc\0def";
    assert_int_equal(bg_decode(bytes, sizeof bytes - 1, "bin.txt", "auto", "text", &d, msg, sizeof msg), BG_E_DECODE);
    assert_non_null(strstr(msg, "NUL"));
}

static void test_utf8_validator(void **state)
{
    (void)state;
    assert_true(bg_utf8_valid("abc", 3));
    assert_true(bg_utf8_valid("\xE4\xB8\xAD", 3));
    assert_false(bg_utf8_valid("\xE4\xB8", 2));     /* truncated */
    assert_false(bg_utf8_valid("\xC0\xAF", 2));     /* overlong */
    assert_false(bg_utf8_valid("\xED\xA0\x80", 3)); /* surrogate */
    assert_false(bg_utf8_valid("\xD5\xFE", 2));
}

static void test_content_hash_stable(void **state)
{
    (void)state;
    char a[17], b[17], c[17];
    bg_content_hash("报告", strlen("报告"), a);
    bg_content_hash("报告", strlen("报告"), b);
    bg_content_hash("报吿", strlen("报吿"), c);
    assert_int_equal(strlen(a), 16);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_plain),
        cmocka_unit_test(test_utf8_bom_stripped),
        cmocka_unit_test(test_gb18030_fallback),
        cmocka_unit_test(test_gbk_label_is_gb18030),
        cmocka_unit_test(test_utf8_forced_on_gbk_fails),
        cmocka_unit_test(test_html_meta_charset),
        cmocka_unit_test(test_html_flattening),
        cmocka_unit_test(test_html_sniffed_without_extension),
        cmocka_unit_test(test_nul_bytes_refused),
        cmocka_unit_test(test_utf8_validator),
        cmocka_unit_test(test_content_hash_stable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
