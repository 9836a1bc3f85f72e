import { log, withLogSink } from '../../../lambda/core/log';

/** Log lines: one JSON object each, to stdout unless a front end routes them to its own sink. */
afterEach(() => jest.restoreAllMocks());

test('without a sink, one JSON line with level info goes to stdout', () => {
  const printed: string[] = [];
  jest.spyOn(console, 'log').mockImplementation((line: string) => { printed.push(line); });
  log({ event: 'poll', row: 'delete-wait' });
  expect(printed.map(line => JSON.parse(line))).toEqual([{ level: 'info', event: 'poll', row: 'delete-wait' }]);
});

test('within withLogSink, lines of the work and of everything it awaits go to the sink, nothing to stdout; two sinks at once stay apart', async () => {
  const printed: string[] = [];
  jest.spyOn(console, 'log').mockImplementation((line: string) => { printed.push(line); });
  const first: string[] = [];
  const second: string[] = [];
  const work = (name: string) => async () => {
    log({ event: `${name}-before` });
    await new Promise(resolve => setTimeout(resolve, 5));
    log({ event: `${name}-after` });
    return name;
  };
  const results = await Promise.all([withLogSink(line => first.push(line), work('one')), withLogSink(line => second.push(line), work('two'))]);
  expect(results).toEqual(['one', 'two']);
  expect(first.map(line => JSON.parse(line).event)).toEqual(['one-before', 'one-after']);
  expect(second.map(line => JSON.parse(line).event)).toEqual(['two-before', 'two-after']);
  expect(printed).toEqual([]);
  log({ event: 'outside' });
  expect(printed).toHaveLength(1);
});
