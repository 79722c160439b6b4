import { cronProblem } from '../../../lib/k8s';

describe('cronProblem', () => {
  test.each([
    '0 3 * * *', '*/15 * * * *', '0 0 1,15 * MON-FRI', '30 2 ? * sun', '0 0-23/2 * JAN-DEC 0-7', '@daily', '@hourly', '5 4 L * *'.replace('L', '1'),
  ])('accepts %s', (s) => expect(cronProblem(s)).toBeUndefined());

  test.each([
    ['', /non-empty/],
    [' 0 3 * * *', /surrounding spaces/],
    ['0 3 * *', /4 fields, expected 5/],
    ['0 3 * * * *', /6 fields/],
    ['60 3 * * *', /minute field "60"/],
    ['0 25 * * *', /hour field "25"/],
    ['0 3 0 * *', /day of month field "0"/],
    ['0 3 * 13 *', /month field "13"/],
    ['0 3 * * 8', /day of week field "8"/],
    ['0 5-1 * * *', /runs backwards/],
    ['*/0 * * * *', /step must be at least 1/],
    ['? * * * *', /minute field "\?"/],
    ['@every 5m', /unknown macro/],
    ['TZ=UTC 0 3 * * *', /time zones/],
    ['0 3 * FOO *', /month field "FOO"/],
  ])('rejects %j', (s, why) => expect(cronProblem(s as string)).toMatch(why as RegExp));
});
