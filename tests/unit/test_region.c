/* test_region.c — region resolution against config/rules/divisions.csv:
 * title first (city + district, province prefix), text only (frequency and
 * the report's 全县 voice), names shared by several provinces settled by the
 * prefecture or province mentioned, generic words that are also names. */
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

static void expect(const char *title, const char *text, const char *region, const char *code, const char *level,
                   const char *province, const char *city)
{
    bg_region_result r;
    assert_true(bg_region_resolve(regions, title, text, text ? strlen(text) : 0, &r));
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
    assert_false(bg_region_resolve(regions, NULL, "提高县级医院水平", strlen("提高县级医院水平"), &r));
}

/* A county's name from before it became a city or a district: the report's
 * own name, at the county level, for today's division. */
static void test_former_county_names(void **state)
{
    (void)state;
    bg_region_result r;
    const char *text = "——2014年2月18日在宁乡县第十六届人民代表大会第四次会议上。全县上下，全县经济。";
    assert_true(bg_region_resolve(regions, "政府工作报告", text, strlen(text), &r));
    assert_string_equal(r.region, "宁乡县");
    assert_string_equal(r.division->code, "430182");
    assert_string_equal(r.level, "county");
    assert_string_equal(r.division->province, "湖南省");
    text = "赣县人民政府工作报告。全县上下齐心协力，全县经济稳步增长。";
    assert_true(bg_region_resolve(regions, NULL, text, strlen(text), &r));
    assert_string_equal(r.region, "赣县");
    assert_string_equal(r.division->code, "360704");
    assert_string_equal(r.level, "county");
    /* today's names stay as they are, with no level of their own */
    text = "赣州市赣县区人民政府工作报告。全区上下。";
    assert_true(bg_region_resolve(regions, NULL, text, strlen(text), &r));
    assert_string_equal(r.region, "赣州市赣县区");
    assert_null(r.level);
}

static void test_find(void **state)
{
    (void)state;
    const bg_division *found[8];
    assert_true(bg_regions_find(regions, "朝阳区", found, 8) == 2);
    assert_int_equal(bg_regions_find(regions, "不存在区", found, 8), 0);
    assert_true(bg_regions_count(regions) > 3000);
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
    assert_int_equal(bg_facts_find(regions, &t, NULL, "鼎城区", 0, &f), BG_E_OK);
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
        cmocka_unit_test(test_bad_csv),      cmocka_unit_test(test_former_county_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
