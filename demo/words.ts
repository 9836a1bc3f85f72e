/**
 * How the demo writes: team and session ARNs shortened to names a reader can
 * follow, simulated times as m:ss, long reasons wrapped.
 */

const TEAM_ARN = /arn:aws[a-z-]*:mpa:[a-z0-9-]+:\d{12}:approval-team\/([A-Za-z0-9_.-]+)/g;
const SESSION_ARN = /arn:aws[a-z-]*:mpa:[a-z0-9-]+:\d{12}:session\/[A-Za-z0-9_.-]+\/([0-9a-f]{8})[0-9a-f-]*/g;

/** Team ARNs become the team's name, session ARNs `session <first 8 characters of its id>`. */
export function shorten(text: string): string {
  return text
    .replace(SESSION_ARN, (_, id: string) => `session ${id}`)
    .replace(/session session /g, 'session ')
    .replace(TEAM_ARN, (_, name: string) => name);
}

/** A session ARN as `shorten` writes it, without the word: the first 8 characters of its id. */
export function sessionId(sessionArn: string | undefined): string {
  if (!sessionArn) return 'none';
  return sessionArn.split('/').pop()?.slice(0, 8) ?? sessionArn;
}

/** Simulated milliseconds as m:ss, or h:mm:ss from one hour. */
export function clock(ms: number): string {
  const total = Math.floor(Math.max(0, ms) / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** Whole seconds as `clock` writes them. */
export function clockSeconds(seconds: number): string {
  return clock(seconds * 1000);
}

/**
 * Words into lines of at most `width` characters. The first line keeps the
 * text's own leading spaces; continuation lines start with `indent`.
 */
export function wrap(text: string, width: number, indent: string): string[] {
  const lead = /^\s*/.exec(text)![0];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const start = lines.length === 0 ? lead : indent;
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else {
      line = line === '' ? start + word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** `1 session` / `2 sessions`. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
