'use strict';
// Mocha's spec reporter plus the plain closing line CI reads: "<tier>: N passed, N failed[, N skipped]".
// A run in which no test ran is a failure, so a broken glob cannot pass silently.
const Mocha = require('mocha');

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const tier = (options.reporterOptions && options.reporterOptions.tier) || process.env.REALM_TEST_TIER || 'tests';
    runner.once('end', () => {
      const s = runner.stats || {};
      const line = `${tier}: ${s.passes || 0} passed, ${s.failures || 0} failed` + (s.pending ? `, ${s.pending} skipped` : '');
      console.log(line);
      if (!s.tests && !s.failures) {
        console.log(`${tier}: no test ran: counting as failure`);
        process.exitCode = 1;
      }
    });
  }
}
module.exports = SummaryReporter;
