import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Tests always use the offline model: nothing may reach the network.
    env: { EMBEDDING_MODEL: 'glove-sif-100d', HF_HUB_OFFLINE: '1', DOTENV_CONFIG_PATH: '/nonexistent/.env' },
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
