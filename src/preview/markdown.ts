import { rules, rulesExtended, SimpleMarkdown } from 'discord-markdown-parser';

/**
 * Discord's Markdown, parsed by discord-markdown-parser (the simple-markdown rules Discord's own clients are built
 * on) and turned into HTML for the preview or into the text a reader sees, for measuring answers.
 */

/** Message text and embed descriptions differ: only the latter (and webhooks) turn [text](url) into a link. */
export type MarkdownFlavour = 'message' | 'embed';

type Node = ReturnType<ReturnType<typeof SimpleMarkdown.parserFor>>[number];
type Rule = (typeof rules)[string];

/**
 * The library's subtext and heading rules look for a preceding newline in the wrong element of the previous
 * capture, so "-# …" right after a "> quote" line stays plain text; Discord itself starts a subtext line there.
 */
function atLineStart(rule: Rule, pattern: RegExp): Rule {
  return {
    ...rule,
    match: (source, state) => {
      const previous = state.prevCapture as string[] | null | undefined;
      return previous == null || previous[0].endsWith('\n') ? pattern.exec(source) : null;
    },
  };
}

const lineStartFixes = {
  subtext: atLineStart(rules.subtext, /^-# +([^\n]+?)(\n|$)/),
  heading: atLineStart(rules.heading, /^(#{1,3}) +([^\n]+?)(\n|$)/),
};
const parsers = {
  message: SimpleMarkdown.parserFor({ ...rules, ...lineStartFixes }),
  embed: SimpleMarkdown.parserFor({ ...rulesExtended, ...lineStartFixes }),
};

export function parseMarkdown(text: string, flavour: MarkdownFlavour): Node[] {
  return parsers[flavour](text, { inline: true });
}

/** What a reader sees of Markdown text: the words, without the markup. */
export function markdownToText(text: string, flavour: MarkdownFlavour): string {
  return nodesToText(parseMarkdown(text, flavour));
}

export function markdownToHtml(text: string, flavour: MarkdownFlavour): string {
  return nodesToHtml(parseMarkdown(text, flavour));
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Links only to web addresses: a preview must not run a javascript: link from an article. */
export function safeHref(url: unknown): string | null {
  return typeof url === 'string' && /^https?:\/\//i.test(url) ? escapeHtml(url) : null;
}

function nodesToText(nodes: Node[]): string {
  return nodes.map(nodeToText).join('');
}

function nodeToText(node: Node): string {
  switch (node.type) {
    case 'br':
    case 'newline':
      return '\n';
    case 'text':
    case 'inlineCode':
    case 'codeBlock':
      return String(node.content);
    case 'heading':
    case 'subtext':
    case 'blockQuote':
      return `${nodesToText(node.content)}${node.type === 'blockQuote' ? '' : '\n'}`;
    default:
      return Array.isArray(node.content) ? nodesToText(node.content) : mentionText(node);
  }
}

function nodesToHtml(nodes: Node[]): string {
  return nodes.map(nodeToHtml).join('');
}

function nodeToHtml(node: Node): string {
  const inner = () => (Array.isArray(node.content) ? nodesToHtml(node.content) : escapeHtml(String(node.content ?? '')));
  switch (node.type) {
    case 'text':
      return escapeHtml(String(node.content));
    case 'br':
    case 'newline':
      return '<br>';
    case 'strong':
      return `<strong>${inner()}</strong>`;
    case 'em':
      return `<em>${inner()}</em>`;
    case 'underline':
      return `<u>${inner()}</u>`;
    case 'strikethrough':
      return `<s>${inner()}</s>`;
    case 'spoiler':
      return `<span class="spoiler">${inner()}</span>`;
    case 'inlineCode':
      return `<code class="inline">${inner()}</code>`;
    case 'codeBlock':
      return `<pre class="code"><code>${inner()}</code></pre>`;
    case 'blockQuote': {
      // The quote's own closing newline ends the quote; it is not an empty line inside it.
      const lines = node.content.at(-1)?.type === 'br' ? node.content.slice(0, -1) : node.content;
      return `<div class="quote"><div class="quote-bar"></div><blockquote>${nodesToHtml(lines)}</blockquote></div>`;
    }
    case 'heading':
      return `<h${node.level} class="heading">${inner()}</h${node.level}>`;
    case 'subtext':
      return `<small class="subtext">${inner()}</small>`;
    case 'url':
    case 'autolink':
    case 'link': {
      const href = safeHref(node.target);
      return href ? `<a href="${href}">${inner()}</a>` : inner();
    }
    default:
      return Array.isArray(node.content) ? inner() : `<span class="mention">${escapeHtml(mentionText(node))}</span>`;
  }
}

/** Mentions, emoji and timestamps as Discord shows them when it cannot name the user, role or channel. */
function mentionText(node: Node): string {
  switch (node.type) {
    case 'user':
      return '@unknown-user';
    case 'role':
      return '@unknown-role';
    case 'channel':
      return '#unknown';
    case 'everyone':
      return '@everyone';
    case 'here':
      return '@here';
    case 'emoji':
      return `:${node.name}:`;
    case 'timestamp':
      return new Date(Number(node.timestamp) * 1000).toUTCString();
    case 'slashCommand':
      return `/${node.name}`;
    default:
      return typeof node.content === 'string' ? node.content : '';
  }
}
