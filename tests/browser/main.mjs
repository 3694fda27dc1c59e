// The main flows of fazhi serve in Debian's headless Chromium (playwright-core, no bundled
// browser): a unit's staff signs in, uploads an annual report and reads its findings, opens
// the unit's 台账 (the demo's year with its rule warnings), adds a 学法 record through the
// form, sees it listed and counted, and opens a figure's records; the city supervisor finds
// the unit and its score in his list; the admin reads the audit log and the organisation page.
//
// Configuration (environment; `--name=value` arguments override):
//   FAZHI_URL                      base URL of a running server, e.g. http://127.0.0.1:8080
//   FAZHI_STAFF_LOGIN / _PASSWORD  a 单位填报员
//   FAZHI_SUPERVISOR_LOGIN / _PASSWORD  the city's 督察员
//   FAZHI_ADMIN_LOGIN / _PASSWORD  a 系统管理员
//   FAZHI_SCREENSHOTS=1            write PNGs of the main pages to docs/screenshots/
//   FAZHI_SCREENSHOT_DIR           … or to this directory
//   CHROMIUM                       the browser (default /usr/bin/chromium)
//
// Exit status 0 when every step passed; the failing step is printed otherwise.

import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = Object.fromEntries(
  process.argv.slice(2).filter((a) => a.startsWith('--') && a.includes('=')).map((a) => {
    const [k, ...v] = a.slice(2).split('=');
    return [k.toUpperCase().replace(/-/g, '_'), v.join('=')];
  }),
);
const conf = (name, fallback) => args[name] ?? process.env[name] ?? fallback;
const need = (name) => {
  const v = conf(name);
  if (!v) {
    console.error(`missing ${name}`);
    process.exit(2);
  }
  return v;
};

const BASE = need('FAZHI_URL').replace(/\/$/, '');
const STAFF = [need('FAZHI_STAFF_LOGIN'), need('FAZHI_STAFF_PASSWORD')];
const SUPERVISOR = [need('FAZHI_SUPERVISOR_LOGIN'), need('FAZHI_SUPERVISOR_PASSWORD')];
const ADMIN = [need('FAZHI_ADMIN_LOGIN'), need('FAZHI_ADMIN_PASSWORD')];
const here = dirname(fileURLToPath(import.meta.url));
const SHOTS = conf('FAZHI_SCREENSHOT_DIR') ?? (['1', 'true'].includes(conf('FAZHI_SCREENSHOTS', '')) ? join(here, '..', '..', 'docs', 'screenshots') : null);
const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };

const problems = [];
const shots = [];
let step = 'start';

function check(cond, message) {
  if (!cond) throw new Error(`${step}: ${message}`);
}

async function shot(page, name, options = {}) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, name);
  // Animations off and the caret hidden: the same page gives the same picture.
  await page.screenshot({ path, animations: 'disabled', caret: 'hide', ...options });
  shots.push(path);
}

/// A fictional report of a 青川市 unit (invented for this test) with the five parts.
function report(unit, year) {
  const next = year + 1;
  return `${unit}${year}年法治政府建设年度报告

市委全面依法治市委员会办公室：
${year}年，${unit}坚持以习近平法治思想为指导，认真落实法治政府建设各项任务。现将有关情况报告如下：

一、${year}年度推进法治政府建设的主要举措和成效
（一）深入学习贯彻习近平法治思想。召开党组理论学习中心组法治专题学习6次，组织干部职工法治培训12场次。
（二）严格规范公正文明执法。落实行政执法三项制度，办理行政执法案件236件，案卷评查合格率达98%。
（三）强化行政权力制约监督。主动公开政府信息418条，办理依申请公开15件，按时办结率100%。

二、${year}年度推进法治政府建设存在的不足和原因
一是基层执法人员专业能力有待提升；二是普法宣传的针对性还不够强。主要原因是培训投入不足。

三、${year}年度党政主要负责人履行推进法治建设第一责任人职责、加强法治政府建设的有关情况
主要负责人认真履行第一责任人职责，主持召开法治建设专题会议3次，带头讲授法治课1次。

四、${next}年度推进法治政府建设的主要安排
（一）组织执法人员参加法治培训不少于60学时。
（二）严格落实重大行政决策程序。

五、其他需要报告的情况
无。

${unit}
${next}年1月20日
`;
}

async function login(page, [user, password]) {
  await page.goto(`${BASE}/login`);
  await page.fill('input[name=login]', user);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL(`${BASE}/`), page.click('form[action="/login"] button[type=submit]')]);
  check(await page.locator('.who-name').isVisible(), `signed in as ${user}`);
}

async function logout(page) {
  await Promise.all([page.waitForURL(`${BASE}/`), page.click('form[action="/logout"] button')]);
  check(await page.locator('.who a[href="/login"]').isVisible(), 'signed out: the login button shows');
}

const profile = mkdtempSync(join(tmpdir(), 'e2e-chromium-'));
const work = mkdtempSync(join(tmpdir(), 'e2e-browser-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: conf('CHROMIUM', '/usr/bin/chromium'),
  // --lang: the browser's own widgets (file and date inputs) speak Chinese as well.
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync', '--lang=zh-CN'],
  headless: true,
  viewport: DESKTOP,
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
});
context.setDefaultTimeout(30_000);
const page = context.pages()[0] ?? (await context.newPage());
page.on('pageerror', (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
const notes = [];
page.on('console', (m) => {
  // Failed loads are reported with their URL by the response handler below.
  if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console error on ${page.url()}: ${m.text()}`);
});
page.on('response', (r) => {
  const path = new URL(r.url()).pathname;
  // The browser asks for /favicon.ico by itself; a missing icon is noted, not a failure.
  if (path === '/favicon.ico') {
    if (r.status() >= 400 && !notes.length) notes.push(`note: ${path} answers ${r.status()}`);
  } else if (r.status() >= 500 || (r.status() >= 400 && r.request().resourceType() !== 'document')) {
    problems.push(`${r.status()} for ${r.request().resourceType()} ${r.url()}`);
  }
});

let exitCode = 0;
let recordId;
try {
  // --- The unit's staff: sign in, upload, read the findings.
  step = 'login page';
  await page.goto(`${BASE}/login`);
  check((await page.title()).includes('登录'), 'login page title');
  await shot(page, 'login.png');
  step = 'staff login';
  await login(page, STAFF);
  check(await page.locator('text=我的单位').first().isVisible().catch(() => false) || (await page.locator('main a[href^="/units/"]').count()) > 0, 'dashboard lists the unit');
  await shot(page, 'dashboard.png');

  step = 'unit page';
  const unitLink = page.locator('main a[href^="/units/"]').first();
  const unitHref = await unitLink.getAttribute('href');
  const unitId = unitHref.match(/\/units\/(\d+)/)[1];
  await page.goto(`${BASE}/units/${unitId}`);
  const unitName = (await page.locator('main h1').first().textContent()).trim();
  check(unitName.length > 0, 'unit name');
  const year = Number(await page.locator('#upload select[name=year]').inputValue());
  check(year > 2000, `upload year ${year}`);

  step = 'upload';
  const file = join(work, `${unitName}${year}年法治政府建设年度报告.txt`);
  writeFileSync(file, report(unitName, year));
  await page.setInputFiles('#upload input[type=file]', file);
  await page.click('#upload button[type=submit]');
  // htmx swaps the list in with a notice; without JavaScript the form leads to the findings.
  const notice = page.locator('.alert-ok a[href^="/uploads/"]');
  await Promise.race([notice.waitFor({ state: 'visible' }), page.waitForURL(/\/uploads\/\d+$/)]);
  let uploadId;
  if (/\/uploads\/\d+$/.test(page.url())) {
    uploadId = page.url().match(/\/uploads\/(\d+)$/)[1];
  } else {
    const text = await page.locator('.alert-ok').textContent();
    check(text.includes('得分'), `upload notice shows the score: ${text}`);
    await shot(page, 'unit.png');
    uploadId = (await notice.getAttribute('href')).match(/\/uploads\/(\d+)/)[1];
  }

  step = 'findings page';
  await page.goto(`${BASE}/uploads/${uploadId}`);
  const score = Number((await page.locator('#score').textContent()).trim());
  check(Number.isInteger(score) && score >= 0 && score <= 100, `score ${score}`);
  const findings = page.locator('ul.findings > li');
  const nFindings = await findings.count();
  check(nFindings >= 1, `at least one finding (found ${nFindings})`);
  check(await findings.first().isVisible(), 'the first finding is visible');
  await shot(page, 'findings.png');
  await page.locator('#findings').scrollIntoViewIfNeeded();
  await page.evaluate(() => document.getElementById('findings').scrollIntoView({ block: 'start' }));
  await shot(page, 'findings-list.png');
  step = 'finding link into the text';
  const jump = page.locator('ul.findings .where a[href^="#b"]').first();
  check((await jump.count()) === 1, 'a finding links to its place in the text');
  const anchor = await jump.getAttribute('href');
  await jump.click();
  await page.waitForFunction((a) => location.hash === a, anchor);
  const target = page.locator(anchor);
  check((await target.count()) === 1, `the text has ${anchor}`);
  const box = await target.boundingBox();
  check(box && box.y >= -1 && box.y < DESKTOP.height, `${anchor} scrolled into view (y=${box && box.y})`);
  await shot(page, 'findings-text.png');
  step = 'findings on a phone';
  await page.setViewportSize(PHONE);
  await page.goto(`${BASE}/uploads/${uploadId}`);
  check(await page.locator('#score').isVisible(), 'score visible on a phone');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 1, `no sideways scrolling on a phone (page is ${overflow}px too wide)`);
  await shot(page, 'findings-phone.png');
  await page.setViewportSize(DESKTOP);

  // --- The unit's ledger (台账): the demo's full year with its rule warnings, a 学法 record
  // added through the form, seen in the list and counted on the dashboard, and a figure
  // opened to the records behind it.
  step = 'ledger dashboard';
  await page.goto(`${BASE}/units/${unitId}`);
  await Promise.all([page.waitForURL(new RegExp(`/units/${unitId}/ledger`)), page.click('#ledger-link')]);
  const ledgerYear = Number(await page.locator('#ledger-year').inputValue());
  check(ledgerYear > 2000, `the dashboard's year ${ledgerYear}`);
  const studyCount = async (y) => Number((await page.locator(`.kind-links a[href="/units/${unitId}/ledger/study?year=${y}"] b`).textContent()).trim());
  const studyFigure = () => page.locator('a[href*="/ledger/figures/study.total?"]').first();
  const figureValue = async () => ((await studyFigure().count()) ? Number((await studyFigure().textContent()).trim().split(/\s/)[0]) : 0);

  step = 'ledger of the demo year';
  const demoYear = ledgerYear - 1;
  await Promise.all([page.waitForURL(new RegExp(`year=${demoYear}`)), page.selectOption('#ledger-year', String(demoYear))]);
  await page.locator(`.kind-links a[href="/units/${unitId}/ledger/study?year=${demoYear}"]`).waitFor();
  const demoStudies = await studyCount(demoYear);
  check(demoStudies >= 5, `the demo's year has its 学法 sessions (${demoStudies})`);
  check((await studyFigure().count()) === 1, 'the demo year counts its 学法 sessions');
  await shot(page, 'ledger-dashboard.png', { fullPage: true });
  if ((await page.locator('#violations ul.findings > li').count()) > 0) {
    await page.locator('#violations').scrollIntoViewIfNeeded();
    await shot(page, 'ledger-violations.png');
  }

  step = 'ledger form';
  await page.goto(`${BASE}/units/${unitId}/ledger?year=${ledgerYear}`);
  const before = await studyCount(ledgerYear);
  const beforeFigure = await figureValue();
  check(beforeFigure === before, `the 学法 figure (${beforeFigure}) counts the 学法 records (${before})`);
  await Promise.all([page.waitForURL(/\/ledger\/study\/new/), page.click(`.kind-links a.add[href^="/units/${unitId}/ledger/study/new"]`)]);
  const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
  const topic = `学习《中华人民共和国行政复议法》（浏览器测试 ${Date.now()}）`;
  await page.fill('input[name="f.date"]', today);
  await page.selectOption('select[name="f.form"]', '党组会学法');
  await page.fill('input[name="f.topic"]', topic);
  await page.fill('textarea[name="f.laws"]', '《中华人民共和国行政复议法》');
  await page.fill('input[name="f.attendees"]', '9');
  await page.selectOption('select[name="f.leader_present"]', '是');
  await page.fill('input[name="f.hours"]', '1.5');
  await shot(page, 'ledger-form.png', { fullPage: true });
  await Promise.all([page.waitForURL(/\/ledger\/\d+\?done=created/), page.click('form.record-form button[type=submit]')]);
  check((await page.locator('#notice').textContent()).includes('已保存'), 'the record page says it was saved');
  check((await page.locator('main').textContent()).includes(topic), 'the record page shows the topic');
  recordId = page.url().match(/\/ledger\/(\d+)/)[1];
  await shot(page, 'ledger-record.png');

  step = 'ledger list';
  await page.goto(`${BASE}/units/${unitId}/ledger/study?year=${ledgerYear}`);
  const listed = page.locator('#records tbody tr', { has: page.locator(`a[href="/ledger/${recordId}"]`) });
  check((await listed.count()) === 1, 'the new record is in the list');
  check((await listed.textContent()).includes('党组会学法'), 'the list shows its form');
  await shot(page, 'ledger-list.png');

  step = 'ledger counts the new record';
  await page.goto(`${BASE}/units/${unitId}/ledger?year=${ledgerYear}`);
  const after = await studyCount(ledgerYear);
  check(after === before + 1, `学法 records ${before} → ${after}`);
  const afterFigure = await figureValue();
  check(afterFigure === beforeFigure + 1, `the 学法 figure ${beforeFigure} → ${afterFigure}`);

  step = 'ledger figure';
  await Promise.all([page.waitForURL(/\/ledger\/figures\//), studyFigure().click()]);
  const rowsBehind = await page.locator('#records tbody tr').count();
  check(rowsBehind === afterFigure, `the figure's page lists its ${afterFigure} records (${rowsBehind} rows)`);
  check((await page.locator(`#records a[href="/ledger/${recordId}"]`).count()) === 1, 'the new record is behind the figure');
  check(Number((await page.locator('#figure-value').textContent()).trim().split(/\s/)[0]) === afterFigure, 'the figure page states the value');
  await shot(page, 'ledger-figure.png');

  step = 'staff logout';
  await logout(page);

  // --- The city supervisor: the unit among his units, with its score.
  step = 'supervisor login';
  await login(page, SUPERVISOR);
  step = 'supervise';
  await page.goto(`${BASE}/supervise`);
  const regionLink = page.locator('main a[href^="/regions/"]').first();
  const regionHref = await regionLink.getAttribute('href');
  const regionUrl = `${BASE}${regionHref.split('?')[0]}`;
  await page.goto(`${regionUrl}?sort=score&desc=1`);
  const rows = await page.locator('main table tbody tr').count();
  check(rows > 1, `the city's unit list has rows (${rows})`);
  await shot(page, 'supervisor-units.png');
  step = 'the unit in the supervisor\'s list';
  await page.goto(`${regionUrl}?q=${encodeURIComponent(unitName)}`);
  const row = page.locator('main table tbody tr', { has: page.locator(`a[href^="/units/${unitId}?"], a[href="/units/${unitId}"]`) });
  check((await row.count()) === 1, `a row for ${unitName}`);
  const shown = (await row.locator('.score').first().textContent()).trim();
  check(Number(shown) === score, `the list shows score ${shown}, the findings page ${score}`);
  await logout(page);

  // --- The admin: audit log, organisation.
  step = 'admin login';
  await login(page, ADMIN);
  step = 'audit log';
  await page.goto(`${BASE}/audit`);
  const audit = await page.locator('main').textContent();
  check(audit.includes(STAFF[0]), `the audit log names ${STAFF[0]}`);
  await shot(page, 'audit.png');
  step = 'admin org';
  await page.goto(`${BASE}/admin/org`);
  check((await page.locator('main').textContent()).includes(unitName), 'the organisation page lists the unit');
  await shot(page, 'admin-org.png');
  await logout(page);

  step = 'public portal';
  await page.goto(`${BASE}/`);
  await shot(page, 'home-public.png');

  if (problems.length) {
    step = 'browser console';
    throw new Error(`problems seen while browsing:\n  ${problems.join('\n  ')}`);
  }
  for (const n of notes) console.log(n);
  console.log(`browser flows passed: upload ${uploadId} scored ${score} with ${nFindings} findings; ledger record ${recordId} added`);
  for (const s of shots) console.log(`screenshot ${s}`);
} catch (e) {
  exitCode = 1;
  console.error(`FAILED at step "${step}" (${page.url()}): ${e.message}`);
  try {
    const path = join(work, 'failure.png');
    await page.screenshot({ path, fullPage: true });
    console.error(`screenshot of the failure: ${path}`);
  } catch {}
  if (problems.length) console.error(problems.join('\n'));
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  if (exitCode === 0) rmSync(work, { recursive: true, force: true });
}
process.exit(exitCode);
