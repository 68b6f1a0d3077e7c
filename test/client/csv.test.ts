// The fund's CSV writer (client/src/lib/csv.ts): what a spreadsheet opens must be what the page shows. UTF-8 with
// a byte-order mark (Excel reads Chinese text right), CRLF lines, RFC 4180 quoting, amounts in yuan as plain
// numbers (fen → "1234.56", exact for any uint64), ISO calendar dates, and no cell a spreadsheet would run as a
// formula.
import { expect } from "chai";
import { csv, isoDate, squareMetres, yuan } from "../../client/src/lib/csv.js";

describe("client CSV writer", function () {
  it("writes UTF-8 with a BOM and CRLF lines, quoting per RFC 4180", function () {
    const text = csv([
      ["房屋", "金额（元）", "说明"],
      ["1号楼 1单元 101", yuan(123456), 'a "quoted", two-line\nnote'],
      [null, undefined, 7],
    ]);
    expect(text.charCodeAt(0)).to.equal(0xfeff);
    const bytes = new TextEncoder().encode(text);
    expect([...bytes.slice(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    expect(text.slice(1)).to.equal('房屋,金额（元）,说明\r\n1号楼 1单元 101,1234.56,"a ""quoted"", two-line\nnote"\r\n,,7\r\n');
    // Every record ends in CRLF; a bare LF appears only inside a quoted cell.
    expect(text.slice(1).split("\r\n")).to.have.length(4);
  });

  it("formats fen as yuan and 0.01 m² as square metres, exactly", function () {
    expect(yuan(123456)).to.equal("1234.56");
    expect(yuan("5")).to.equal("0.05");
    expect(yuan(0)).to.equal("0.00");
    expect(yuan(-250)).to.equal("-2.50");
    expect(yuan("18446744073709551615")).to.equal("184467440737095516.15");
    expect(squareMetres(8913)).to.equal("89.13");
  });

  it("writes calendar dates, and nothing for an unknown date", function () {
    const noon = Date.UTC(2027, 0, 9, 4, 0, 0) / 1000; // 12:00 in Beijing, 04:00 UTC: the same day everywhere from UTC−4 to UTC+14
    expect(isoDate(noon)).to.equal("2027-01-09");
    expect(isoDate(null)).to.equal("");
  });

  it("keeps text a spreadsheet would run as a formula as text, but numbers as numbers", function () {
    const text = csv([["=HYPERLINK(\"http://x\",\"y\")", "+1", "@SUM(A1)", "-cmd", yuan(-250), -3]]);
    expect(text.slice(1)).to.equal(`"'=HYPERLINK(""http://x"",""y"")",'+1,'@SUM(A1),'-cmd,-2.50,-3\r\n`);
  });
});
