/**
 * The fault-injection suite (issue 7): each fault is a test on real servers, split by fault class.
 * Loading this file runs them all (`mocha out/test/integration/faults.test.js`); `npm test` also
 * finds each split file by its `.test.js` name, and Node's module cache keeps them from running twice.
 *   faults.docker.test.ts    dockerd SIGKILLed mid-stream and started again (a private dockerd)
 *   faults.backends.test.ts  Alertmanager, Prometheus, the Loki fake killed in turn (private instances)
 *   faults.slow.test.ts      hung, 10 s-slow and 50 MB backends
 *   faults.reload.test.ts    a window reload in the middle of a healing sequence
 */
import './faults.docker.test';
import './faults.backends.test';
import './faults.slow.test';
import './faults.reload.test';
