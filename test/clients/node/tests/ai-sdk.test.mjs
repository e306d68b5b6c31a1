// Vercel AI SDK (`ai` + `@ai-sdk/openai` + `@ai-sdk/openai-compatible`) through a real `switchback serve`: the default
// `openai(model)` provider calls the Responses API, `openai.chat(model)` calls chat completions.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, Output, streamText, tool } from 'ai';
import { z } from 'zod';
import { clientKey, deployment, startStack } from '../harness.mjs';

let stack;
let openai;
before(async () => {
  stack = await startStack();
  openai = createOpenAI({ baseURL: stack.baseURL, apiKey: clientKey });
});
after(() => stack?.stop());

const lookup = () => tool({
  description: 'Looks a question up in the knowledge base.',
  inputSchema: z.object({ query: z.string() }),
  execute: async ({ query }) => ({ found: `article about ${query}` }),
});
const answerSchema = z.object({ answer: z.string() });

for (const [api, model] of [['responses', () => openai(deployment)], ['chat', () => openai.chat(deployment)]]) {
  describe(`@ai-sdk/openai ${api}`, () => {
    test('generateText answers and reports usage', async () => {
      const result = await generateText({ model: model(), prompt: 'What is the refund policy?' });
      assert.match(result.text, /^Answer to: What is the refund policy\?/);
      assert.ok(result.usage.inputTokens > 0, JSON.stringify(result.usage));
      assert.ok(result.usage.outputTokens > 0, JSON.stringify(result.usage));
      assert.equal(result.response.headers['x-switchback-deployment'], deployment);
      assert.equal(result.response.headers['x-switchback-version'], '1');
    });

    test('streamText streams the same answer piece by piece', async () => {
      const result = streamText({ model: model(), prompt: 'What is the refund policy?' });
      const pieces = [];
      for await (const piece of result.textStream) pieces.push(piece);
      assert.ok(pieces.length > 3, `only ${pieces.length} pieces`);
      assert.match(pieces.join(''), /^Answer to: What is the refund policy\?/);
      assert.equal(await result.text, pieces.join(''));
      assert.equal((await result.response).headers['x-switchback-version'], '1');
    });

    test('a required tool is called with arguments the SDK validates, and runs', async () => {
      const result = await generateText({
        model: model(), prompt: 'refund policy', tools: { lookup: lookup() }, toolChoice: 'required',
      });
      assert.equal(result.toolCalls.length, 1);
      assert.equal(result.toolCalls[0].toolName, 'lookup');
      assert.deepEqual(result.toolCalls[0].input, { query: 'refund policy' });
      assert.deepEqual(result.toolResults[0].output, { found: 'article about refund policy' });
      assert.equal(result.finishReason, 'tool-calls');
    });

    test('a streamed tool call arrives whole', async () => {
      const result = streamText({
        model: model(), prompt: 'refund policy', tools: { lookup: lookup() }, toolChoice: 'required',
      });
      const calls = await result.toolCalls;
      assert.equal(calls.length, 1);
      assert.deepEqual(calls[0].input, { query: 'refund policy' });
      assert.deepEqual((await result.toolResults)[0].output, { found: 'article about refund policy' });
    });

    test('structured output parses against the schema', async () => {
      const result = await generateText({ model: model(), prompt: 'Summarise the refund policy.', output: Output.object({ schema: answerSchema }) });
      assert.match(result.output.answer, /^Answer to: Summarise the refund policy\./);
    });
  });
}

describe('@ai-sdk/openai-compatible', () => {
  test('generateText and streamText with includeUsage', async () => {
    const provider = createOpenAICompatible({ name: 'switchback', baseURL: stack.baseURL, apiKey: clientKey, includeUsage: true });
    const plain = await generateText({ model: provider(deployment), prompt: 'Where is my order?' });
    assert.match(plain.text, /^Answer to: Where is my order\?/);
    const streamed = streamText({ model: provider(deployment), prompt: 'Where is my order?' });
    assert.equal(await streamed.text, plain.text);
    const usage = await streamed.usage;
    assert.equal(usage.outputTokens, plain.usage.outputTokens);
    assert.ok(usage.inputTokens > 0, JSON.stringify(usage));
  });
});
