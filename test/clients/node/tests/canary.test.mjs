// A canary at 50 % behind unchanged clients: the gateway splits users between svc@1 and svc@2 by their sticky key
// (the OpenAI `user` field), each user stays on one version, and the clients see only ordinary answers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createOpenAI } from '@ai-sdk/openai';
import { ChatOpenAI } from '@langchain/openai';
import { generateText } from 'ai';
import OpenAI from 'openai';
import { clientKey, deployment, startStack } from '../harness.mjs';

let stack;
before(async () => {
  stack = await startStack();
  const put = await stack.admin('PUT', `/api/v1/deployments/${deployment}/routing`, { candidate: 2, candidate_weight: 50, reason: 'client canary' });
  assert.equal(put.routing.candidate_weight, 50);
});
after(() => stack?.stop());

test('x-switchback-version varies across users, sticks per user, and every client call succeeds', async () => {
  const client = new OpenAI({ baseURL: stack.baseURL, apiKey: clientKey, maxRetries: 0 });
  const openai = createOpenAI({ baseURL: stack.baseURL, apiKey: clientKey });
  const users = Array.from({ length: 40 }, (_, i) => `user-${i}`);
  const versionOf = new Map();

  for (const user of users) {
    const seen = [];
    for (let i = 0; i < 2; i++) {
      const { data, response } = await client.chat.completions.create({
        model: deployment, user, messages: [{ role: 'user', content: `Question ${i} from ${user}` }],
      }).withResponse();
      assert.match(data.choices[0].message.content, new RegExp(`^Answer to: Question ${i} from ${user}\\.`));
      seen.push(response.headers.get('x-switchback-version'));
    }

    const viaResponses = await generateText({ model: openai(deployment), prompt: `Hello from ${user}`, providerOptions: { openai: { user } } });
    assert.match(viaResponses.text, new RegExp(`^Answer to: Hello from ${user}\\.`));
    seen.push(viaResponses.response.headers['x-switchback-version']);

    assert.equal(new Set(seen).size, 1, `${user} saw versions ${seen}`);
    versionOf.set(user, seen[0]);
  }

  const onCandidate = [...versionOf.values()].filter((v) => v === '2').length;
  assert.deepEqual(new Set(versionOf.values()), new Set(['1', '2']));
  // Binomial(40, 0.5): outside 8..32 has probability about 4e-5; the assignment is a fixed hash of the key anyway.
  assert.ok(onCandidate >= 8 && onCandidate <= 32, `${onCandidate} of 40 users on the candidate`);

  // LangChain exposes no response headers: it must simply keep working for users on either version.
  for (const user of users.slice(0, 6)) {
    const message = await new ChatOpenAI({ model: deployment, apiKey: clientKey, configuration: { baseURL: stack.baseURL }, user, maxRetries: 0 })
      .invoke(`Anything new for ${user}?`);
    assert.match(message.text, new RegExp(`^Answer to: Anything new for ${user}\\?`));
  }

  const signals = await stack.admin('GET', `/api/v1/deployments/${deployment}/signals?window=5m`);
  const requests = Object.fromEntries(signals.versions.map((v) => [String(v.version), v.requests]));
  assert.equal(requests['1'] + requests['2'], 40 * 3 + 6);
  assert.ok(requests['2'] >= onCandidate * 3, JSON.stringify(requests));
});
