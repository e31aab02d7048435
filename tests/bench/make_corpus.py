#!/usr/bin/env python3
"""Deterministic benchmark corpus of realistic government work reports.

usage: make_corpus.py --mb N --out DIR [--seed S]
       make_corpus.py --one-line N --out DIR [--seed S]

Writes about N megabytes (N * 1,000,000 bytes) of distinct report files into
DIR (which must be empty or absent), in subfolders of 1,000 files, and prints
the number of files and bytes. The same arguments give the same bytes (on the
same Python). --one-line writes instead one single-line document of N MB
(generated reports without their site chrome, every line break removed,
concatenated).

The base texts are the sample reports (samples/reports/*.txt) and the texts of
the gold documents (tests/gold/realistic.json, blind.json, blind2.json). Each
generated document takes one base and varies it:
  - region: another division of the same level (and suffix: 区, 县, 市, 旗 ...)
    from config/rules/divisions.csv (one that existed in the new year, where
    the list has from/to columns); the base's region, prefecture and
    province names, full and short (芦淞区/芦淞, 株洲市/株洲, 湖南省/湖南), are
    replaced consistently in one pass;
  - year: every 20XX year is shifted by one offset chosen so that the years
    stay within 2005-2025 where the text allows it (十X五 plan names follow
    when the offset is a multiple of five);
  - figures: every other number is multiplied by a factor in [0.92, 1.08] and
    re-rounded to the same number of decimals (dates, 第N, N月/日/届/次 and
    heading numbers are kept);
  - order: the first 3 lines, the header block before the first part
    marker, headings, part markers (一年来, 2023年工作安排 ...), the targets
    paragraph (with its list lines) and site chrome stay in place; the
    paragraphs between them are shuffled;
  - size: body paragraphs of other base texts (same part: review or plan,
    renamed and re-dated for this document) are inserted until the document
    reaches a size drawn log-uniformly from 3 KB to 60 KB; one file in a
    hundred is 1-5 MB (several generated reports concatenated).
Shapes (per block of ten files, in shuffled order): one GB18030 text, one
HTML page (<meta charset>, nav, script and footer chrome, a <p> per
paragraph; UTF-8 or GBK-labelled GB18030), one with every line break removed,
seven plain UTF-8 texts. Files whose bytes were already written are made
again until distinct (baogao exports identical content once).

Python 3 standard library only.
"""
import argparse
import csv
import hashlib
import html
import json
import math
import os
import random
import re
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
GOLD_FILES = ('realistic.json', 'blind.json', 'blind2.json')
MB = 1000 * 1000
SMALL_MIN, SMALL_MAX = 3000, 60000
BIG_MIN, BIG_MAX = 1 * MB, 5 * MB
FILES_PER_DIR = 1000

FW = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}
FW[0x3000] = 0x20
DIGITS_FW = str.maketrans('0123456789.', '０１２３４５６７８９．')
DIGITS_ASCII = str.maketrans('０１２３４５６７８９．', '0123456789.')

# What baogao treats as headings and part markers (core/extract/outline.c,
# config/rules/gov_work_report.json), copied so that the corpus does not
# change when the rules do.
HEADING = re.compile(r'^(?:[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十]{1,3}(?:部分|章)'
                     r'|\([一二三四五六七八九十]{1,3}\)|\d{1,2}(?:\.(?!\d)|、))\s*\S')
HEADING1_PREFIX = re.compile(r'^\s*(?:[(（][一二三四五六七八九十]{1,3}[)）]|\d{1,2}(?:\.(?!\d)|、))\s*')
PARTS = [
    ('review', r'^(一年来|过去一年|过去的一年|过去五年|过去的五年|五年来|回顾过去|\d{4}年(的)?工作回顾|.{0,8}工作回顾)'),
    ('plan', r'^.{0,6}(\d{4}年|今年|明年)的?(政府)?(工作安排|重点工作|工作思路|工作重点|主要任务|重点任务|工作任务)'),
    ('plan', r'^.{0,6}(\d{4}年|今年|明年).{0,20}(主要预期目标|主要目标是|预期目标是)'),
    ('plan', r'^(今年|明年)(政府)?工作的?(总体要求|指导思想|思路|安排)'),
    ('plan', r'^(为实现|实现|围绕|围绕实现)上述(目标|要求)'),
    ('outlook', r'^.{0,6}(今后五年|未来五年|今后一个时期)'),
    ('outlook', r'^.{0,10}“?十四五”?(时期|期间)?.{0,10}(的)?主要目标'),
    ('outlook', r'^到20\d\d年'),
]
PARTS = [(p, re.compile(r)) for p, r in PARTS]
TARGETS = re.compile(r'主要(?:预期)?目标|预期目标')
CHROME = re.compile(r'^\s*(?:导航菜单|本文仅代表作者观点|本文地址|收藏此文|打赏|如果本文对你有所帮助|[•◆-]|留言与评论'
                    r'|验证码|网站地图|支付宝|微信|本版制图|[（(]?责任编辑|美术编辑|校对|当前位置|首页|发布时间|发布日期'
                    r'|来源|【|打印|扫一扫|主办|版权所有|Copyright)')
ITEM = re.compile(r'^\s*(?:[(（]?\d{1,2}[)）.、]|[(（][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}是|[-•◆])')
NUMBER = r'[0-9０-９]+(?:[.．][0-9０-９]+)?'
ISO_DATE = r'(?<![0-9０-９])(?:20|２０)[0-9０-９]{2}(?=(?P<sep>[-/.．])[0-9０-９]{1,2}(?P=sep)[0-9０-９]{1,2}(?![0-9０-９]))'
PLAN_NAME = r'十[一二三四]五'
YEAR_RE = re.compile(r'(?<![0-9０-９.．])(20[0-9]{2}|２０[０-９]{2})(?=年|[-—–~～至到、和]+[0-9０-９]{4})')
YEAR_NEXT = re.compile(r'年|[-—–~～至到、和]+[0-9０-９]{4}')
KEEP_NEXT = set('月日号届次')
PLAN_NUM = '一二三四五'

ETHNIC = ('蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 '
          '柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 '
          '塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各').split()
ETHNIC_TAIL = re.compile('(?:' + '|'.join(sorted(ETHNIC, key=len, reverse=True)) + ')族$')
GENERIC = {'市辖区', '城区', '郊区', '矿区', '新区', '东区', '西区', '南区', '北区', '中区', '县', '市'}


def short_name(name):
    """芦淞区 → 芦淞, 广西壮族自治区 → 广西, 延边朝鲜族自治州 → 延边; None when too short."""
    s = name
    for suffix in ('特别行政区', '自治区', '自治州', '自治县', '自治旗', '地区', '新区', '林区', '省', '市', '区', '县', '旗', '盟'):
        if s.endswith(suffix) and len(s) > len(suffix):
            s = s[:-len(suffix)]
            break
    while True:
        m = ETHNIC_TAIL.search(s)
        if not m or m.start() < 2:
            break
        s = s[:m.start()]
    return s if len(s) >= 2 and s != name else None


def suffix_of(name):
    for suffix in ('自治区', '自治州', '自治县', '自治旗', '地区', '省', '市', '区', '县', '旗', '盟'):
        if name.endswith(suffix):
            return suffix
    return ''


class Division:
    __slots__ = ('code', 'name', 'level', 'province', 'city', 'start', 'end')

    def __init__(self, row, header=('code', 'name', 'level', 'province', 'city')):
        r = dict(zip(header, row))
        self.code, self.name, self.level, self.province, self.city = (r.get(k, '') for k in
                                                                       ('code', 'name', 'level', 'province', 'city'))
        # years of validity, where the list has them (from, to: abolished that year)
        self.start = int(r['from']) if r.get('from', '').isdigit() else 0
        self.end = int(r['to']) if r.get('to', '').isdigit() else 9999

    def valid(self, year):
        return self.start <= year < self.end

    def has_city(self):
        return self.level in ('district', 'county') and bool(self.city) and self.city != self.province

    def roles(self):
        """Names this division is written with, by role."""
        r = {'name': self.name, 'name_s': short_name(self.name)}
        if self.has_city():
            r['city'], r['city_s'] = self.city, short_name(self.city)
        if self.level != 'province':
            r['prov'], r['prov_s'] = self.province, short_name(self.province)
        return r


def load_divisions():
    with open(os.path.join(ROOT, 'config', 'rules', 'divisions.csv'), encoding='utf-8', newline='') as f:
        reader = csv.reader(f)
        header = tuple(next(reader))
        rows = [Division(r, header) for r in reader]
    # no work reports of this kind from Taiwan, Hong Kong or Macao (codes 71, 81, 82)
    return [d for d in rows if d.level in ('province', 'city', 'district', 'county') and d.name not in GENERIC
            and d.code[:2] not in ('71', '81', '82')
            and '开发区' not in d.name and '管理区' not in d.name and '管委会' not in d.name and len(d.name) <= 10]


def resolve(divs, region, province, year):
    """The division of a report's region (株洲市芦淞区, 澧县, 广西壮族自治区 ...)."""
    if not region:
        return None
    divs = [d for d in divs if d.valid(year)] or divs
    cands = [d for d in divs if d.name == region]
    if not cands:
        cands = [d for d in divs if region.endswith(d.name) and d.level in ('district', 'county')
                 and region[:-len(d.name)] in (d.city, d.province + d.city, d.province)]
    if province:
        cands = [d for d in cands if d.province == province] or cands
    return cands[0] if cands else None


class Para:
    __slots__ = ('text', 'fixed', 'part', 'base', 'size', 'ymin', 'ymax')


class Base:
    """One base text split into paragraphs, with what the transforms need."""

    def __init__(self, name, text, meta, divs, index):
        self.name, self.index = name, index
        text = text.replace('\r\n', '\n').replace('\r', '\n')
        self.sep = '\n\n' if '\n\n' in text else '\n'
        lines = [l.rstrip() for l in text.split('\n') if l.strip()]
        years = [int(y.translate(DIGITS_ASCII)) for y in YEAR_RE.findall(text)]
        self.plan_year = meta.get('plan_year') or (max(set(years), key=years.count) if years else 2020)
        self.years = (min(years), max(years)) if years else (self.plan_year, self.plan_year)
        self.div = resolve(divs, meta.get('region'), meta.get('province'), self.plan_year)
        if self.div is None and meta.get('region'):  # renamed since (宁乡县 is 宁乡市 now)
            self.div = Division(['', meta['region'], meta.get('level', ''), meta.get('province', ''), ''])
        elif self.div is None and meta.get('province'):  # the gold names only the province: look in the head
            head = '\n'.join(lines[:3])
            found = [d for d in divs if d.province == meta['province'] and d.level == meta.get('level') and d.name in head
                     and d.valid(self.plan_year)]
            self.div = max(found, key=lambda d: len(d.name)) if found else None
        self.has_plan_names = bool(re.search(PLAN_NAME, text))
        names = {}
        if self.div:
            for role, old in self.div.roles().items():
                if old and old not in names:
                    names[old] = role
            # a compound region as the report writes it (株洲市芦淞区)
            if meta.get('region') and meta['region'] not in names:
                names[meta['region']] = 'full'
        self.names = names
        alts = [re.escape(n) for n in sorted(names, key=len, reverse=True)]
        self.pattern = re.compile('(' + ('|'.join(alts) if alts else '(?!x)x') + ')|(' + ISO_DATE + ')|(' + NUMBER + ')|('
                                  + PLAN_NAME + ')')
        self.paras = []
        part = 'pre'
        in_targets = False
        for i, line in enumerate(lines):
            p = Para()
            p.text, p.base = line, self
            folded = line.translate(FW).strip()
            marker = next((name for name, rx in PARTS if rx.search(folded)), None)
            if HEADING.search(folded) and not marker:
                title = HEADING1_PREFIX.sub('', folded)
                title = re.sub(r'^[一二三四五六七八九十]{1,3}、\s*|^第[一二三四五六七八九十]{1,3}(?:部分|章)\s*', '', title)
                marker = next((name for name, rx in PARTS if rx.search(title)), None)
            if marker:
                part = marker
            heading = bool(HEADING.search(folded)) and len(folded) <= 70
            short = len(folded) < 16 and not folded.endswith('。')
            # the lines of a targets list after 主要预期目标是： stay with it
            item = in_targets and (ITEM.search(folded) or len(folded) < 40 or self.paras[-1].text.rstrip()[-1:] in '：:')
            in_targets = bool(item) or (bool(TARGETS.search(folded)) and folded[-1:] in '：:')
            p.fixed = (i < 3 or heading or marker is not None or bool(TARGETS.search(folded))
                       or bool(CHROME.search(folded)) or short or bool(item))
            p.part = part
            p.size = len(line.encode('utf-8')) + len(self.sep)
            ys = [int(y.translate(DIGITS_ASCII)) for y in YEAR_RE.findall(line)]
            p.ymin, p.ymax = (min(ys), max(ys)) if ys else (None, None)
            self.paras.append(p)
        # the trailing site chrome (本文仅代表作者观点 … 验证码) after the body
        self.tail = len(self.paras)
        while self.tail > 3 and CHROME.search(self.paras[self.tail - 1].text):
            self.tail -= 1
        self.size = sum(p.size for p in self.paras)

    def donors(self):
        """Body paragraphs another document may borrow, by part."""
        out = []
        for p in self.paras[3:self.tail]:
            if p.part not in ('review', 'plan') or TARGETS.search(p.text) or CHROME.search(p.text):
                continue
            text = p.text
            folded = text.translate(FW).strip()
            if p.fixed and not HEADING.search(folded) and len(folded) >= 30 and \
                    next((name for name, rx in PARTS if rx.search(folded)), None) == p.part:
                pass  # a paragraph opening its part (一年来 …): it may open it again in another report
            elif p.fixed:
                # a level-1 heading with its body on the same line: keep the body
                folded = text.translate(FW).strip()
                if not HEADING1_PREFIX.match(folded) or '。' not in folded:
                    continue
                text = '  ' + HEADING1_PREFIX.sub('', text.strip()) if text.startswith(' ') else \
                    HEADING1_PREFIX.sub('', text.strip())
                if any(rx.search(text.strip().translate(FW)) for _, rx in PARTS):
                    continue
            if len(text.strip()) < 30:
                continue
            d = Para()
            d.text, d.fixed, d.part, d.base, d.ymin, d.ymax = text, False, p.part, self, p.ymin, p.ymax
            d.size = len(text.encode('utf-8')) + len(self.sep)
            out.append(d)
        return out



def load_bases(divs):
    bases = []
    sample_meta = {}
    seeds = os.path.join(ROOT, 'tests', 'gold', 'seeds.json')
    if os.path.exists(seeds):
        with open(seeds, encoding='utf-8') as f:
            sample_meta = {k: v.get('meta', {}) for k, v in json.load(f)['documents'].items()}
    rdir = os.path.join(ROOT, 'samples', 'reports')
    for name in sorted(os.listdir(rdir)):
        if name.endswith('.txt'):
            with open(os.path.join(rdir, name), encoding='utf-8') as f:
                text = f.read()
            bases.append(Base(name, text, sample_meta.get(name, {}), divs, len(bases)))
    for g in GOLD_FILES:
        with open(os.path.join(ROOT, 'tests', 'gold', g), encoding='utf-8') as f:
            docs = json.load(f)['documents']
        for name in sorted(docs):
            doc = docs[name]
            if isinstance(doc, dict) and doc.get('text', '').strip():
                bases.append(Base(g + ':' + name, doc['text'], doc.get('meta') or {}, divs, len(bases)))
    return bases


class Generator:
    def __init__(self, seed):
        self.seed = seed
        self.divs = load_divisions()
        self.bases = load_bases(self.divs)
        self.pool = {'review': [], 'plan': []}
        for b in self.bases:
            for d in b.donors():
                self.pool[d.part].append(d)
        self.by_kind = {}
        for d in self.divs:
            self.by_kind.setdefault((d.level, suffix_of(d.name), d.has_city()), []).append(d)
        self.valid_cache = {}
        self.by_level = {}
        for d in self.divs:
            self.by_level.setdefault(d.level, []).append(d)

    # ---- one report -------------------------------------------------------
    def pick_region(self, rng, base, year):
        """Another division like the base's (level, suffix, under a prefecture or not), existing in year."""
        kind = (base.div.level, suffix_of(base.div.name), base.div.has_city()) if base.div else None
        key = (kind, year)
        cands = self.valid_cache.get(key)
        if cands is None:
            lists = ([self.by_kind.get(kind, []), self.by_level[base.div.level]] if base.div else []) + [self.divs]
            for c in lists:
                cands = [d for d in c if d.valid(year)]
                if len(cands) >= 2:
                    break
            self.valid_cache[key] = cands
        return cands[rng.randrange(len(cands))]

    def pick_offset(self, rng, base):
        lo, hi = base.years
        dmin, dmax = 2005 - lo, 2025 - hi
        if dmin > dmax:  # the text spans more than 2005-2025 allows: keep the plan year inside
            dmin, dmax = 2005 - base.plan_year, 2025 - base.plan_year
        if base.has_plan_names and rng.random() < 0.5:
            fives = [d for d in range(dmin, dmax + 1) if d % 5 == 0]
            if fives:
                return fives[rng.randrange(len(fives))]
        return rng.randint(dmin, dmax)

    def new_names(self, div, base_div):
        r = div.roles()
        out = {}
        for role in ('name', 'name_s', 'city', 'city_s', 'prov', 'prov_s'):
            v = r.get(role)
            if not v:  # the new division has no such name: fall back on the nearest one
                if role.endswith('_s'):
                    v = r.get(role[:-2]) or div.name
                elif role == 'city':
                    v = div.province if div.level != 'province' else div.name
                else:
                    v = div.province
            out[role] = v
        full = div.name
        if base_div is not None and base_div.has_city() and div.has_city():
            full = div.city + div.name
        out['full'] = full
        return out

    def transform(self, rng, para, names, offset):
        base = para.base
        role_of = base.names
        s = para.text
        uniform = rng.uniform

        def sub(m):
            g = m.lastindex
            if g == 1:
                return names[role_of[m.group(1)]]
            tok = m.group(g)
            if g == 2 or g == 3:  # 2023-01-12: the year only, the rest is matched as numbers kept before - . /
                full = tok[0] > '9'
                out = str(int(tok.translate(DIGITS_ASCII)) + offset)
                return out.translate(DIGITS_FW) if full else out
            if g == 5:
                if offset % 5 == 0:
                    k = PLAN_NUM.find(tok[1]) + offset // 5
                    if 0 <= k < len(PLAN_NUM):
                        return '十' + PLAN_NUM[k] + '五'
                return tok
            a, b = m.span()
            full = tok[0] > '9'
            ascii_tok = tok.translate(DIGITS_ASCII) if full else tok
            after = s[b:b + 1]
            if len(ascii_tok) == 4 and ascii_tok.startswith('20') and YEAR_NEXT.match(s, b):
                out = str(int(ascii_tok) + offset)
            elif after in KEEP_NEXT or (a and s[a - 1] in '第-/') or (a < 6 and not s[:a].strip() and after in '、.．'):
                return tok
            else:
                dot = ascii_tok.find('.')
                if dot < 0:
                    v = int(ascii_tok)
                    if v < 3:
                        return tok
                    out = str(max(1, int(round(v * uniform(0.92, 1.08)))))
                else:
                    dec = len(ascii_tok) - dot - 1
                    v = float(ascii_tok)
                    out = '%.*f' % (dec, v * uniform(0.92, 1.08))
            return out.translate(DIGITS_FW) if full else out

        return base.pattern.sub(sub, s)

    def report(self, rng, target):
        """One generated report: (title, region, year, [paragraph texts], separator)."""
        base = self.bases[rng.randrange(len(self.bases))]
        offset = self.pick_offset(rng, base)
        year = base.plan_year + offset
        div = self.pick_region(rng, base, year)
        names = self.new_names(div, base.div)
        # runs of movable paragraphs between fixed ones
        layout = []  # fixed Para or list (a run)
        for p in base.paras[:base.tail]:
            if p.fixed:
                layout.append(p)
            elif layout and isinstance(layout[-1], list) and layout[-1][0].part == p.part:
                layout[-1].append(p)
            else:
                layout.append([p])
        tail = base.paras[base.tail:]
        runs = [x for x in layout if isinstance(x, list)]
        for run in runs:
            if run[0].part != 'pre':  # the header block (title, date, 各位代表) keeps its order
                rng.shuffle(run)
        by_part = {'review': [r for r in runs if r[0].part == 'review'],
                   'plan': [r for r in runs if r[0].part == 'plan']}
        last_part = base.paras[base.tail - 1].part if base.tail else 'pre'
        size = base.size
        tries = misses = 0
        used = set()
        while size < target and tries < 10000:
            tries += 1
            part = 'plan' if rng.random() < 0.7 else 'review'
            if not by_part[part]:
                part = 'review' if part == 'plan' else 'plan'
            if not by_part[part]:
                # nowhere to put a body paragraph of either part: open a plan run at the end
                part = 'plan' if last_part in ('plan', 'pre') or not by_part['review'] else 'review'
                run = []
                layout.append(run)
                by_part[part].append(run)
            pool = self.pool[part]
            d = pool[rng.randrange(len(pool))]
            if d.base is base or (id(d) in used and misses < 50):
                misses += 1
                continue
            if d.ymin is not None:
                doff = year - d.base.plan_year
                if d.ymin + doff < 2000 or d.ymax + doff > 2035:
                    misses += 1
                    continue
            runs_p = by_part[part]
            run = runs_p[rng.randrange(len(runs_p))]
            run.insert(rng.randrange(len(run) + 1), d)
            used.add(id(d))
            misses = 0
            size += d.size
        out = []
        donor_names = {}
        for x in layout:
            for p in (x if isinstance(x, list) else (x,)):
                if p.base is base:
                    out.append(self.transform(rng, p, names, offset))
                else:
                    dn = donor_names.get(p.base.index)
                    if dn is None:
                        dn = donor_names[p.base.index] = self.new_names(div, p.base.div)
                    out.append(self.transform(rng, p, dn, year - p.base.plan_year))
        for p in tail:
            out.append(self.transform(rng, p, names, offset))
        title = next((t.strip() for t in out[:3] if '报告' in t or '政府' in t), None) or \
            '%s%d年政府工作报告' % (div.name, year)
        return title, div, year, out, base.sep

    # ---- one file ---------------------------------------------------------
    def draw_size(self, rng):
        return int(math.exp(rng.uniform(math.log(SMALL_MIN), math.log(SMALL_MAX))))

    def document(self, rng, target):
        """A list of reports making up about target bytes (several for a big file)."""
        reps = [self.report(rng, min(target, self.draw_size(rng)) if target > SMALL_MAX else target)]
        size = sum(len(t.encode('utf-8')) + 2 for t in reps[0][3])
        while size < target:
            r = self.report(rng, min(self.draw_size(rng), target - size))
            reps.append(r)
            size += sum(len(t.encode('utf-8')) + 2 for t in r[3])
        return reps

    def render(self, rng, reps, shape):
        title, div, year = reps[0][0], reps[0][1], reps[0][2]
        if shape == 'html':
            return self.html(rng, reps), '.html'
        text = '\n\n'.join(r[4].join(r[3]) for r in reps) + '\n'
        if shape == 'oneline':
            return text.replace('\n', '').encode('utf-8'), '.txt'
        if shape == 'gb18030':
            return text.encode('gb18030'), '.txt'
        return text.encode('utf-8'), '.txt'

    def html(self, rng, reps):
        title, div, year = reps[0][0], reps[0][1], reps[0][2]
        gbk = rng.random() < 0.3
        charset = rng.choice(('gb2312', 'GBK', 'gb18030')) if gbk else rng.choice(('utf-8', 'UTF-8'))
        if rng.random() < 0.5:
            meta = '<meta charset="%s">' % charset
        else:
            meta = '<meta http-equiv="Content-Type" content="text/html; charset=%s">' % charset
        site = div.name + '人民政府'
        esc = html.escape
        day = '%d-%02d-%02d' % (year, rng.randint(1, 3), rng.randint(1, 28))
        h = ['<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n', meta, '\n<title>', esc(title), ' - ', esc(site),
             '</title>\n<link rel="stylesheet" href="/css/main.css">\n<style>body{font-family:SimSun}.nav a{margin:0 8px}'
             '</style>\n<script type="text/javascript">var _hmt=_hmt||[];(function(){var hm=document.createElement("script");'
             'hm.src="https://hm.example/hm.js?%016x";var s=document.getElementsByTagName("script")[0];'
             's.parentNode.insertBefore(hm,s);})();</script>\n</head>\n<body>\n' % rng.getrandbits(64),
             '<div class="top"><span>', esc(site), '</span> <a href="/">首页</a> | <a href="/en/">English</a> | '
             '<a href="/wza/">无障碍</a></div>\n',
             '<nav class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a><a href="/zwfw/">政务服务</a>'
             '<a href="/hdjl/">互动交流</a><a href="/zjxx/">走进', esc(div.name), '</a></nav>\n',
             '<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 政府工作报告</div>\n',
             '<div class="article">\n<h1>', esc(title), '</h1>\n',
             '<div class="info">发布时间：', day, '　来源：', esc(div.name), '人民政府办公室　【字号：大 中 小】　打印　关闭窗口</div>\n',
             '<div class="content" id="zoom">\n']
        for r in reps:
            for p in r[3]:
                p = p.strip()
                if p:
                    h.append('<p style="text-indent:2em">' if rng.random() < 0.5 else '<p>')
                    h.append(esc(p, quote=False))
                    h.append('</p>\n')
        h.append('</div>\n<div class="share">分享到：<a>微信</a> <a>微博</a></div>\n</div>\n'
                 '<div class="footer"><a href="/sitemap/">网站地图</a> | <a href="/lxwm/">联系我们</a><br>'
                 '主办：%s办公室　网站标识码：%d　备案号：%s ICP备%08d号</div>\n'
                 '<script src="/js/jquery.min.js"></script>\n<script>$(function(){$("#zoom p").css("line-height","2");});'
                 '</script>\n</body>\n</html>\n' % (esc(site), rng.randint(10**9, 10**10 - 1), esc(div.province[:1] or '京'),
                                                   rng.randint(0, 10**8 - 1)))
        text = ''.join(h)
        return text.encode('gb18030') if gbk else text.encode('utf-8')

    def file(self, index):
        """File number index: its random generator, its shape, whether it is a big one."""
        rng = random.Random('%d/file/%d' % (self.seed, index))
        shapes = ['gb18030', 'html', 'oneline'] + ['text'] * 7
        random.Random('%d/shapes/%d' % (self.seed, index // 10)).shuffle(shapes)
        big_at = random.Random('%d/big/%d' % (self.seed, index // 100)).randrange(100)
        return rng, shapes[index % 10], index % 100 == big_at


def write_corpus(gen, out, mb):
    budget = int(mb * MB)
    seen = set()
    total = files = 0
    index = 0
    counts = {}
    while total < budget:
        rng, shape, big = gen.file(index)
        remaining = budget - total
        target = int(rng.uniform(BIG_MIN, BIG_MAX)) if big else gen.draw_size(rng)
        target = max(SMALL_MIN, min(target, remaining))
        if shape == 'gb18030':  # two bytes a character instead of three: aim at the same file sizes
            target = target * 3 // 2
        for attempt in range(100):
            reps = gen.document(rng, target)
            data, ext = gen.render(rng, reps, shape)
            digest = hashlib.blake2b(data, digest_size=16).digest()
            if digest not in seen:
                break
        else:
            raise SystemExit('make_corpus: could not make file %d distinct' % index)
        seen.add(digest)
        title, div, year = reps[0][:3]
        sub = os.path.join(out, '%03d' % (index // FILES_PER_DIR))
        if index % FILES_PER_DIR == 0:
            os.makedirs(sub, exist_ok=True)
        name = '%06d_%s_%d_%s%s' % (index, div.code, year, shape, ext)
        with open(os.path.join(sub, name), 'wb') as f:
            f.write(data)
        total += len(data)
        files += 1
        key = shape + (' (1-5 MB)' if big and target >= BIG_MIN else '')
        counts[key] = counts.get(key, 0) + 1
        index += 1
    return files, total, counts


def write_one_line(gen, out, mb):
    budget = int(mb * MB)
    rng = random.Random('%d/one-line/%g' % (gen.seed, mb))
    parts, size = [], 0
    while size < budget:
        title, div, year, paras, sep = gen.report(rng, gen.draw_size(rng))
        # without the site chrome, which would make baogao drop the one line as boilerplate
        t = ''.join(p for p in paras if not CHROME.search(p)).replace('\n', '').encode('utf-8')
        parts.append(t)
        size += len(t)
    data = b''.join(parts)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'oneline_%gmb.txt' % mb), 'wb') as f:
        f.write(data)
    return 1, len(data), {'oneline': 1}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    what = ap.add_mutually_exclusive_group(required=True)
    what.add_argument('--mb', type=float, help='corpus size in MB (10^6 bytes)')
    what.add_argument('--one-line', type=float, metavar='MB', help='one single-line document of MB megabytes')
    ap.add_argument('--out', required=True, help='folder to write (must be empty or absent)')
    ap.add_argument('--seed', type=int, default=1)
    a = ap.parse_args(argv)
    if os.path.isdir(a.out) and os.listdir(a.out):
        ap.error('%s is not empty' % a.out)
    os.makedirs(a.out, exist_ok=True)
    t0 = time.time()
    gen = Generator(a.seed)
    if a.mb is not None:
        files, total, counts = write_corpus(gen, a.out, a.mb)
    else:
        files, total, counts = write_one_line(gen, a.out, a.one_line)
    print('%d files, %d bytes (%s) in %s, %.1f s' % (files, total, ', '.join('%s %d' % kv for kv in sorted(counts.items())),
                                                     a.out, time.time() - t0))


if __name__ == '__main__':
    main()
