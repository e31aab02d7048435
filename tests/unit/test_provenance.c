/* test_provenance.c — the page's own address and date, read from site chrome. */
#include "extract/provenance.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

static bg_provenance find(const char *text, const char *hint)
{
    bg_provenance p;
    bg_provenance_find(text, strlen(text), hint, &p);
    return p;
}

static void test_address_line(void **state)
{
    (void)state;
    bg_provenance p = find("正文\n\n本文地址:/baogao/huadong/3378.html\n\n留言与评论", NULL);
    assert_string_equal(p.origin_path, "/baogao/huadong/3378.html");
    bg_provenance_free(&p);
    p = find("原文链接：https://www.gov.cn/a/b.htm 来源", NULL);
    assert_string_equal(p.origin_path, "https://www.gov.cn/a/b.htm");
    bg_provenance_free(&p);
    /* A label followed by prose is not an address. */
    p = find("本文地址见下方", NULL);
    assert_null(p.origin_path);
}

static void test_hint_wins(void **state)
{
    (void)state;
    bg_provenance p = find("本文地址:/x.html", "https://example.org/report");
    assert_string_equal(p.origin_path, "https://example.org/report");
    bg_provenance_free(&p);
}

static void test_publish_date_lines(void **state)
{
    (void)state;
    bg_provenance p = find("株洲日报\n\n2021年12月31日 星期五\n\nB2\n", NULL);
    assert_true(p.has_publish_date);
    assert_int_equal(p.publish_year, 2021);
    assert_int_equal(p.publish_month, 12);
    assert_int_equal(p.publish_day, 31);
    p = find("标题\n发布时间：２０２３-０１-３１ 10:30\n正文", NULL);
    assert_true(p.has_publish_date);
    assert_int_equal(p.publish_year, 2023);
    assert_int_equal(p.publish_day, 31);
    /* A date inside a sentence or a session line is not the page's date. */
    p = find("2022年12月29日，区十届人大一次会议开幕。\n——2023年1月12日在某市人民代表大会上", NULL);
    assert_false(p.has_publish_date);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_address_line),
        cmocka_unit_test(test_hint_wins),
        cmocka_unit_test(test_publish_date_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
