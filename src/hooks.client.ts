/**
 * Runs once as the console starts in the browser, before any page.
 */
import { z } from 'zod';

// zod compiles object schemas with `new Function` when it can, and finds out by trying once. The
// console's Content-Security-Policy allows no eval (server/http/security-headers.ts), so the try
// would fail anyway, and be reported as a policy violation: zod is told not to try.
z.config({ jitless: true });
