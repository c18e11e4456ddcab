import { defineConfig, devices } from '@playwright/test';

// The test command (scripts/test.sh) starts the real `frontdoor` binary and passes its address.
const baseURL = process.env.FRONTDOOR_URL ?? 'http://127.0.0.1:3000';

// Debian's Chromium: Playwright's own browser download cannot reach its CDN from here.
export const chromiumLaunch = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  workers: 2,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    baseURL,
    launchOptions: chromiumLaunch,
    trace: 'retain-on-failure',
  },
  projects: [
    // The people we build for first: a client on a phone (390×844, touch).
    { name: 'phone', testIgnore: [/journeys\//, /http\.spec/], use: { ...devices['iPhone 13'], browserName: 'chromium' } },
    // Browser-independent HTTP checks run once, here; screenshots (and every page in light and dark) set
    // their own widths in the phone project.
    { name: 'desktop', testIgnore: [/journeys\//, /screens\.spec/, /every-page\.spec/], use: { ...devices['Desktop Chrome'], viewport: { width: 1440, height: 900 } } },
    // Journeys that involve several people make their own browser contexts (phone and desktop). Each
    // signs several people in, loads the app in each and waits on real mail, so on two cores one
    // takes 15–30 s: the default 30 s would fail them for the machine's load, not for what they check.
    { name: 'journeys', testMatch: /journeys\/.*\.spec\.ts/, timeout: 90_000 },
  ],
});
