/**
 * Discord's desktop client in the dark theme, measured from its stylesheet: 16 px message text, 72 px gutter for
 * the 40 px avatar, embeds at most 516 px wide with a 4 px colour bar, 14 px embed text, 12 px footers.
 */
export const PAGE_STYLE = `
:root {
  --background: #313338; --embed: #2b2d31; --text: #dbdee1; --header: #f2f3f5; --muted: #949ba4;
  --secondary: #b5bac1; --link: #00a8fc; --quote-bar: #4e5058; --mention: rgba(88, 101, 242, 0.3);
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--background); color: var(--text);
  font: 16px/1.375 "gg sans", "Noto Sans", "Helvetica Neue", Helvetica, Arial, sans-serif;
}
.chat { width: 100%; max-width: 940px; padding: 16px 0 24px; }
.message { position: relative; padding: 2px 48px 2px 72px; margin-top: 17px; min-height: 44px; }
.avatar { position: absolute; left: 16px; top: 4px; width: 40px; height: 40px; border-radius: 50%; }
.reply-context + .avatar { top: 26px; }
.avatar.user { background: linear-gradient(135deg, #f0b232, #e67e22); }
.avatar.bot { background: radial-gradient(circle at 50% 38%, #fff 0 22%, transparent 23%), linear-gradient(135deg, #5865f2, #3b82f6); }
.avatar.tiny { position: static; display: inline-block; width: 16px; height: 16px; margin-right: 4px; vertical-align: -3px; }
.header { line-height: 22px; }
.name { color: var(--header); font-weight: 500; margin-right: 4px; }
.bot-name { color: #7fb2ff; }
.app-tag {
  background: #5865f2; color: #fff; font-size: 10px; font-weight: 600; line-height: 15px; border-radius: 3px;
  padding: 0 4px; margin-right: 6px; vertical-align: 2px;
}
time { color: var(--muted); font-size: 12px; margin-left: 2px; }
.reply-context { position: relative; color: var(--secondary); font-size: 14px; line-height: 18px; margin-bottom: 4px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.reply-context .name { font-size: 14px; color: var(--secondary); }
.reply-spine {
  position: absolute; left: -36px; top: 8px; width: 33px; height: 10px;
  border-left: 2px solid #4e5058; border-top: 2px solid #4e5058; border-top-left-radius: 6px;
}
.command { color: var(--link); }
.replied { color: var(--muted); }
.content { white-space: pre-wrap; word-wrap: break-word; }
strong { font-weight: 700; }
a { color: var(--link); text-decoration: none; }
.mention { background: var(--mention); color: #c9cdfb; border-radius: 3px; padding: 0 2px; font-weight: 500; }
code.inline { background: #2b2d31; border: 1px solid #1e1f22; border-radius: 4px; padding: 0 .2em; font-size: 85%; font-family: Consolas, "Andale Mono WT", monospace; }
pre.code { background: #2b2d31; border: 1px solid #1e1f22; border-radius: 4px; padding: 7px; font-size: 14px; white-space: pre-wrap; }
.spoiler { background: #1e1f22; color: transparent; border-radius: 3px; }
.quote { display: flex; margin: 0; }
.quote-bar { width: 4px; border-radius: 4px; background: var(--quote-bar); flex-shrink: 0; }
blockquote { margin: 0; padding: 0 8px 0 12px; max-width: 90%; }
.subtext { display: block; color: var(--muted); font-size: 13px; line-height: 1.11rem; }
.heading { color: var(--header); margin: 8px 0 0; line-height: 1.375em; }
h1.heading { font-size: 24px; } h2.heading { font-size: 20px; } h3.heading { font-size: 16px; }
.embed {
  max-width: 516px; margin-top: 2px; padding: 8px 16px 16px 12px; background: var(--embed);
  border-left: 4px solid; border-radius: 4px; display: grid; grid-template-columns: auto; gap: 8px 0;
}
.embed + .embed { margin-top: 4px; }
.content + .embed { margin-top: 4px; }
.embed-author { color: var(--header); font-size: 14px; font-weight: 600; }
.embed-title { color: var(--header); font-size: 16px; font-weight: 600; line-height: 22px; }
.embed-description, .embed-field-value { font-size: 14px; line-height: 18px; white-space: pre-wrap; }
.embed-fields { display: grid; grid-template-columns: repeat(3, 1fr); gap: 8px; }
.embed-field { grid-column: 1 / -1; }
.embed-field.inline { grid-column: auto; }
.embed-field-name { color: var(--header); font-size: 14px; font-weight: 600; margin-bottom: 2px; }
.embed-footer { color: var(--secondary); font-size: 12px; font-weight: 500; line-height: 16px; }
.action-row { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 8px; }
.button {
  height: 32px; min-width: 60px; padding: 2px 16px; border: 0; border-radius: 8px; color: #fff;
  font: 500 14px/16px inherit; font-family: inherit; display: inline-flex; align-items: center; justify-content: center; gap: 4px;
  cursor: pointer;
}
.button.primary { background: #5865f2; } .button.secondary { background: #4e5058; }
.button.success { background: #248046; } .button.danger { background: #da373c; }
.button[disabled] { opacity: .5; cursor: not-allowed; }
.select { width: 400px; height: 40px; background: #1e1f22; border-radius: 4px; color: var(--muted); padding: 10px 12px; font-size: 14px; }
.caption { color: var(--muted); font-size: 12px; margin: 0 0 16px 72px; }
`;
