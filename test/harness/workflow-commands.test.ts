import { describe, expect, it } from "vitest";
import { parseKeyValueFile } from "../support/action-runner/file-commands.js";
import { CommandLog } from "../support/action-runner/workflow-commands.js";

function read(...lines: string[]): CommandLog {
  const log = new CommandLog();
  for (const line of lines) log.push(line);
  return log;
}

describe("CommandLog", () => {
  it("un-escapes data and properties in the runner's order", () => {
    const { annotations } = read(
      "::error file=a%3Ab%2Cc.sql,line=3,endLine=4,col=2::50%25 done%0Anext%250A",
      "  ::warning::indented commands count",
      "text ::error::mid-line commands do not",
    );
    expect(annotations).toEqual([
      {
        level: "error",
        file: "a:b,c.sql",
        line: 3,
        endLine: 4,
        col: 2,
        message: "50% done\nnext%0A",
      },
      { level: "warning", message: "indented commands count" },
    ]);
  });

  it("ignores commands between stop-commands and its token", () => {
    const { annotations } = read(
      "::stop-commands::t1",
      "::error::quoted",
      "::t1::",
      "::notice::real",
    );
    expect(annotations).toEqual([{ level: "notice", message: "real" }]);
  });

  it("masks registered values from the registration on", () => {
    const log = read("before pw1", "::add-mask::pw1", "after pw1");
    expect(log.log).toBe("before pw1\n::add-mask::***\nafter ***\n");
  });
});

describe("parseKeyValueFile", () => {
  it("reads name=value and heredoc entries, CRLF included", () => {
    expect(parseKeyValueFile("a=1\r\nb<<EOF\r\nx\r\ny\r\nEOF\r\n\nc=d=e\n")).toEqual({
      a: "1",
      b: "x\ny",
      c: "d=e",
    });
  });

  it("throws on an unterminated heredoc, as the runner fails the step", () => {
    expect(() => parseKeyValueFile("a<<EOF\nx\n")).toThrow(/no closing delimiter/);
  });
});
