/* test_region.c — region resolution against config/rules/divisions.csv
 * (areacodes: every code since 1981 with its years): identity lines first
 * (the council, the title, the speaker), then the text (frequency and the
 * report's 全县 voice); names shared by several provinces settled by the
 * prefecture or province mentioned; generic words and slogans that contain a
 * name are not the region; divisions as they were in the report's year, with
 * the codes that hold the area today. */
#include "extract/facts.h"
#include "extract/region.h"
#include "text/clean.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

static bg_regions *regions;

static int setup(void **state)
{
    (void)state;
    bg_problems p = {0};
    regions = bg_regions_load(BG_TEST_SOURCE_DIR "/config/rules/divisions.csv", NULL, "rules.json", &p);
    bg_problems_free(&p);
    return regions ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    bg_regions_free(regions);
    return 0;
}

static bool resolve(const char *title, const char *text, int year, bg_region_result *r)
{
    bg_region_query q = {.year = year, .title = title, .text = text, .length = text ? strlen(text) : 0};
    return bg_region_resolve(regions, &q, r);
}

static void expect(const char *title, const char *text, const char *region, const char *code, const char *level,
                   const char *province, const char *city)
{
    bg_region_result r;
    assert_true(resolve(title, text, 0, &r));
    assert_string_equal(r.region, region);
    assert_string_equal(r.division->code, code);
    assert_string_equal(r.division->level, level);
    assert_string_equal(r.division->province, province);
    assert_string_equal(r.division->city, city);
}

static void test_title(void **state)
{
    (void)state;
    expect("株洲市芦淞区2022年政府工作报告", "全区上下", "株洲市芦淞区", "430203", "district", "湖南省", "株洲市");
    expect("(安徽省)安庆市大观区人民政府工作报告(2021年12月29日)", "", "安庆市大观区", "340803", "district", "安徽省",
           "安庆市");
    expect("株洲市人民政府工作报告", "全市", "株洲市", "430200", "city", "湖南省", "株洲市");
    expect("浙江省人民政府工作报告", "全省", "浙江省", "330000", "province", "浙江省", "");
    /* a county-level city */
    expect("浏阳市2023年政府工作报告", "全市", "浏阳市", "430181", "county", "湖南省", "长沙市");
}

static void test_shared_names(void **state)
{
    (void)state;
    /* 朝阳区 exists in 北京 and in 长春: the text says which */
    expect("朝阳区政府工作报告", "北京市朝阳区全区上下,首都北京", "朝阳区", "110105", "district", "北京市", "北京市");
    expect("朝阳区政府工作报告", "长春市委、市政府领导下,长春朝阳区", "朝阳区", "220104", "district", "吉林省",
           "长春市");
    /* 鼓楼区: 福州 and 南京 and others */
    expect("鼓楼区2023年政府工作报告", "江苏省南京市", "鼓楼区", "320106", "district", "江苏省", "南京市");
}

/* A municipality's district or county written after the municipality is
 * named as written (上海市浦东新区), like a prefecture's; the province before
 * a directly administered county-level city is not (湖北省仙桃市 → 仙桃市). */
static void test_municipality_prefix(void **state)
{
    (void)state;
    expect("2019年上海市浦东新区人民政府工作报告", "全区上下", "上海市浦东新区", "310115", "district", "上海市",
           "上海市");
    expect("北京市海淀区政府工作报告", "全区上下", "北京市海淀区", "110108", "district", "北京市", "北京市");
    expect("海淀区政府工作报告", "北京市海淀区全区上下", "海淀区", "110108", "district", "北京市", "北京市");
    expect("湖北省仙桃市人民政府工作报告", "全市上下", "仙桃市", "429004", "county", "湖北省", "湖北省");
}

static void test_text_only(void **state)
{
    (void)state;
    /* 澧县 only in the text, within 临澧县 too: the county wins by the 全县 voice
     */
    expect(NULL,
           "二、2023年工作安排\n全县发展面临新的阶段。澧县负重前行。开展澧商回归,"
           "建设新澧县。与临澧县合作。全县上下。",
           "澧县", "430723", "county", "湖南省", "常德市");
    /* a generic word that is also a district's name is not the region */
    expect(NULL, "推进老城区、新城区和城区更新,全县统筹。平江县全县上下", "平江县", "430626", "county", "湖南省",
           "岳阳市");
    /* 提高县级医院: 高县 (宜宾) is part of a word */
    bg_region_result r;
    assert_false(resolve(NULL, "提高县级医院水平", 0, &r));
    /* slogans that contain a two-character name: 工业兴县 is not 兴县 (山西),
     * 科教兴市 not 兴市 */
    assert_false(resolve(NULL, "坚持工业兴县、农业稳县、科教兴市，实施生态立县战略。", 0, &r));
    expect(NULL, "坚持工业兴县，临朐县全县上下，工业兴县成效明显，全县", "临朐县", "370724", "county", "山东省",
           "潍坊市");
}

/* The session the report was read to names the region, before the title or
 * the body; a county report that names its prefecture stays the county's. */
static void test_identity_lines(void **state)
{
    (void)state;
    bg_region_result r;
    const char *text = "潍坊市委、市政府部署，潍坊市潍坊市潍坊市。全县上下。";
    bg_region_query q = {.year = 2012, .council = "临朐县", .title = "政府工作报告", .text = text,
                         .length = strlen(text)};
    assert_true(bg_region_resolve(regions, &q, &r));
    assert_string_equal(r.region, "临朐县");
    assert_string_equal(r.source, "council");
    /* a city site republishing the province's report: the report's own
     * session decides, not the site */
    text = "衡阳市人民政府门户网站 衡阳市 衡阳市 衡阳市。全省上下";
    q = (bg_region_query){.year = 2012, .council = "湖南省", .text = text, .length = strlen(text)};
    assert_true(bg_region_resolve(regions, &q, &r));
    assert_string_equal(r.division->code, "430000");
    /* the national report */
    q = (bg_region_query){.year = 2020, .council = "全国", .text = "", .length = 0};
    assert_true(bg_region_resolve(regions, &q, &r));
    assert_string_equal(r.division->code, "100000");
    assert_string_equal(r.division->level, "national");
    /* only the speaker: 县人民政府县长 says the level, the body the name */
    text = "平江县经济。全区上下。浏阳市。平江县平江县";
    q = (bg_region_query){.year = 2020, .role = "县长", .text = text, .length = strlen(text)};
    assert_true(bg_region_resolve(regions, &q, &r));
    assert_string_equal(r.region, "平江县");
    /* no identity lines: the leadership formula names the report's own
     * committee last (遵义市委…和仁怀市委), however often the prefecture is
     * named; an unnamed last one (…和县委) says nothing */
    text = "各位代表：在遵义市委、市政府和仁怀市委的坚强领导下，全市上下。遵义市遵义市遵义市。";
    q = (bg_region_query){.year = 2023, .text = text, .length = strlen(text)};
    assert_true(bg_region_resolve(regions, &q, &r));
    assert_string_equal(r.region, "仁怀市");
    assert_string_equal(r.source, "leadership");
    text = "在潍坊市委、市政府和县委的正确领导下，全县上下。临朐县临朐县。";
    q = (bg_region_query){.year = 2012, .text = text, .length = strlen(text)};
    assert_true(bg_region_resolve(regions, &q, &r));
    assert_string_equal(r.region, "临朐县");
    /* the title names prefecture and district, the session only the
     * district: the region as the title writes it */
    q = (bg_region_query){.year = 2012, .council = "莱城区", .title = "莱芜市莱城区人民政府工作报告", .text = "",
                          .length = 0};
    assert_true(bg_region_resolve(regions, &q, &r));
    assert_string_equal(r.region, "莱芜市莱城区");
    assert_string_equal(r.division->code, "371202");
}

/* Divisions as they were in the report's year: a county that has since
 * become a city or a district, a prefecture since dissolved, with the codes
 * that hold the area today. */
static void test_divisions_of_the_year(void **state)
{
    (void)state;
    bg_region_result r;
    const char *text = "全县上下，全县经济。";
    bg_region_query q = {.year = 2014, .council = "宁乡县", .text = text, .length = strlen(text)};
    assert_true(bg_region_resolve(regions, &q, &r));
    assert_string_equal(r.region, "宁乡县");
    assert_string_equal(r.division->code, "430124");
    assert_string_equal(r.division->level, "county");
    assert_string_equal(r.code_now, "430182"); /* 宁乡市 since 2017 */
    q = (bg_region_query){.year = 2010, .council = "株洲县", .text = text, .length = strlen(text)};
    assert_true(bg_region_resolve(regions, &q, &r));
    assert_string_equal(r.division->code, "430221");
    assert_string_equal(r.code_now, "430212"); /* 渌口区 since 2018 */
    /* 巢湖市 was a prefecture from 1999 to 2011, a county-level city since */
    text = "全市上下。安徽省";
    q = (bg_region_query){.year = 2007, .title = "2007年巢湖市政府工作报告", .text = text, .length = strlen(text)};
    assert_true(bg_region_resolve(regions, &q, &r));
    assert_string_equal(r.division->code, "341400");
    assert_string_equal(r.division->level, "city");
    q.year = 2015;
    assert_true(bg_region_resolve(regions, &q, &r));
    assert_string_equal(r.division->code, "340181");
    /* 莱芜市 (prefecture until 2019) */
    q = (bg_region_query){.year = 2015, .council = "莱芜市", .text = text, .length = strlen(text)};
    assert_true(bg_region_resolve(regions, &q, &r));
    assert_string_equal(r.division->code, "371200");
    assert_string_equal(r.division->level, "city");
    /* 平谷县 became 平谷区 in 2001 */
    q = (bg_region_query){.year = 1999, .council = "平谷县", .text = text, .length = strlen(text)};
    assert_true(bg_region_resolve(regions, &q, &r));
    assert_string_equal(r.division->code, "110226");
    assert_string_equal(r.code_now, "110117");
}

static void test_find(void **state)
{
    (void)state;
    const bg_division *found[8];
    assert_true(bg_regions_find(regions, "朝阳区", found, 8) >= 2);
    assert_int_equal(bg_regions_find(regions, "不存在区", found, 8), 0);
    assert_true(bg_regions_count(regions) > 6000);
}

static void test_bad_csv(void **state)
{
    (void)state;
    bg_problems p = {0};
    assert_null(bg_regions_load(BG_TEST_SOURCE_DIR "/no/such/divisions.csv", NULL, "rules.json", &p));
    assert_int_equal(p.count, 1);
    assert_non_null(strstr(p.items[0], "divisions.csv"));
    bg_problems_free(&p);
}

/* A corpus column naming the district alone gives way to the report's own
 * fuller name when the text writes it. */
static void test_hint_region_as_the_report_writes_it(void **state)
{
    (void)state;
    const char *s = "常德市鼎城区2022年政府工作报告\n主要预期目标是：地区生产总值增长7.5%。\n";
    bg_text t;
    char msg[64];
    assert_int_equal(bg_clean_text(NULL, s, strlen(s), &t, msg, sizeof msg), BG_E_OK);
    bg_facts f;
    assert_int_equal(bg_facts_find(NULL, regions, &t, NULL, "鼎城区", 0, NULL, &f), BG_E_OK);
    assert_string_equal(f.region.region, "常德市鼎城区");
    assert_string_equal(f.region.division->code, "430703");
    bg_facts_free(&f);
    bg_text_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_title),        cmocka_unit_test(test_hint_region_as_the_report_writes_it),
        cmocka_unit_test(test_shared_names), cmocka_unit_test(test_municipality_prefix),
        cmocka_unit_test(test_text_only),    cmocka_unit_test(test_find),
        cmocka_unit_test(test_bad_csv),      cmocka_unit_test(test_divisions_of_the_year),
        cmocka_unit_test(test_identity_lines),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
