// The client's number, money, area, time and address formatting (client/src/lib/format.ts), in both languages:
// exact for any integer the contracts hold (no floating point), truncated never rounded up, and the time-bank
// minutes in words.
import { expect } from "chai";
import { area, calendarDate, count, dateTime, minutes, money, parseHundredths, percent, short } from "../../client/src/lib/format.js";
import { lang, loadTexts, setLang } from "../../client/src/lib/i18n.js";
import { textsInNode } from "./texts-in-node.js";

describe("client formatting (lib/format.ts)", function () {
  before(async function () {
    textsInNode();
    await loadTexts([], "zh-CN");
    await loadTexts([], "en");
  });
  afterEach(async function () {
    if (lang() !== "zh-CN") await setLang("zh-CN");
  });

  it("money and areas from hundredths, grouped, exact beyond 2^53", async function () {
    expect(money(123456)).to.equal("¥1,234.56");
    expect(money("5")).to.equal("¥0.05");
    expect(money(0)).to.equal("¥0.00");
    expect(money("")).to.equal("¥0.00");
    expect(money("18446744073709551615")).to.equal("¥184,467,440,737,095,516.15");
    expect(money(-250)).to.equal("¥−2.50");
    expect(area(8913)).to.equal("89.13 m²");
    expect(area(100n)).to.equal("1.00 m²");
    expect(count(1234567)).to.equal("1,234,567");
    await setLang("en");
    expect(money(123456)).to.equal("¥1,234.56");
  });

  it("a percentage to one decimal, cut not rounded (66.6 %, never 66.7 % before it is so), and a dash for 0 of 0", function () {
    expect(percent(1, 3)).to.equal("33.3%");
    expect(percent(2, 3)).to.equal("66.6%");
    expect(percent(2, 2)).to.equal("100.0%");
    expect(percent(0, 5)).to.equal("0.0%");
    expect(percent(5, 0)).to.equal("—");
    // Large areas: exact integer arithmetic (a float ratio would say 66.7 %).
    expect(percent("666666666666666666", "1000000000000000000")).to.equal("66.6%");
  });

  it("time-bank minutes in words, in Chinese and English", async function () {
    expect(minutes(45)).to.equal("45 分钟");
    expect(minutes(60)).to.equal("1 小时");
    expect(minutes(150)).to.equal("2 小时 30 分钟");
    expect(minutes(-90)).to.equal("−1 小时 30 分钟");
    await setLang("en");
    expect(minutes(45)).to.equal("45 min");
    expect(minutes(120)).to.equal("2 h");
    expect(minutes(150)).to.equal("2 h 30 min");
  });

  it("calendar dates in the reader's language, a dash when unknown", async function () {
    const noonUtc = Date.UTC(2026, 11, 1, 12) / 1000; // 1 December 2026, a date in every time zone of China and Europe
    expect(calendarDate(noonUtc)).to.equal("2026年12月1日");
    expect(calendarDate(null)).to.equal("—");
    expect(calendarDate(undefined)).to.equal("—");
    await setLang("en");
    expect(calendarDate(String(noonUtc))).to.equal("1 December 2026");
  });

  it("formatters made once per language say exactly what toLocaleString says, and follow a change of language (issue 19)", async function () {
    const at = Date.UTC(2026, 11, 1, 7, 5) / 1000;
    const options = { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" } as const;
    expect(dateTime(at)).to.equal(new Date(at * 1000).toLocaleString("zh-CN", options));
    expect(dateTime(null)).to.equal("—");
    expect(count(1234567n)).to.equal((1234567n).toLocaleString("zh-CN"));
    await setLang("en");
    expect(dateTime(String(at))).to.equal(new Date(at * 1000).toLocaleString("en-GB", options));
    expect(calendarDate(at)).to.equal("1 December 2026");
    await setLang("zh-CN");
    expect(calendarDate(at)).to.equal("2026年12月1日");
    expect(percent(1, 8)).to.equal("12.5%");
  });

  it("dates written out without Intl say what toLocaleString says, in both languages, at any hour of any day (issue 19)", async function () {
    const dateOptions = { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" } as const;
    const calendarOptions = { year: "numeric", month: "long", day: "numeric" } as const;
    // Every hour for a year and a half from 2025, plus midnight and the minute before it; in this process's time zone.
    const times: number[] = [];
    for (let at = Date.UTC(2025, 0, 1) / 1000; at < Date.UTC(2026, 6, 1) / 1000; at += 3_600 + 61) times.push(at, at - (at % 86_400), at - (at % 86_400) - 60);
    for (const [language, loc] of [["zh-CN", "zh-CN"], ["en", "en-GB"]] as const) {
      await setLang(language);
      // What toLocaleString(loc, options) says, from one formatter each (toLocaleString itself builds one per call).
      const [withTime, calendar] = [new Intl.DateTimeFormat(loc, dateOptions), new Intl.DateTimeFormat(loc, calendarOptions)];
      expect(withTime.format(new Date(times[0]! * 1000))).to.equal(new Date(times[0]! * 1000).toLocaleString(loc, dateOptions));
      for (const at of times) {
        const d = new Date(at * 1000);
        expect(dateTime(at), `${loc} ${d.toISOString()}`).to.equal(withTime.format(d));
        expect(calendarDate(at), `${loc} ${d.toISOString()}`).to.equal(calendar.format(d));
      }
    }
  });

  it("shortens addresses and hashes, keeping short ones whole", function () {
    expect(short("0x1234567890abcdef1234567890abcdef1234abcd")).to.equal("0x1234…abcd");
    expect(short("0x1234567890abcdef1234567890abcdef1234abcd", 6)).to.equal("0x123456…34abcd");
    expect(short("0x12345678")).to.equal("0x12345678");
    expect(short(null)).to.equal("—");
    expect(short("")).to.equal("—");
  });

  it("reads yuan or m² typed by a person into exact hundredths, or refuses", function () {
    expect(parseHundredths("12.34")).to.equal(1234n);
    expect(parseHundredths("12.3")).to.equal(1230n);
    expect(parseHundredths(" 7 ")).to.equal(700n);
    expect(parseHundredths("0.05")).to.equal(5n);
    expect(parseHundredths("184467440737095516.15")).to.equal(18446744073709551615n);
    for (const bad of ["12.345", "-1", "1,000", "abc", "", ".5", "1e3"]) expect(parseHundredths(bad), bad).to.equal(null);
  });
});
