// LangChain JS (`@langchain/openai`) through a real `switchback serve`: ChatOpenAI on chat completions and, with
// `useResponsesApi: true`, on the Responses API; OpenAIEmbeddings; tools and withStructuredOutput.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { tool } from '@langchain/core/tools';
import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';
import { z } from 'zod';
import { clientKey, deployment, startStack } from '../harness.mjs';

let stack;
before(async () => { stack = await startStack(); });
after(() => stack?.stop());

const lookup = tool(async ({ query }) => `article about ${query}`, {
  name: 'lookup',
  description: 'Looks a question up in the knowledge base.',
  schema: z.object({ query: z.string() }),
});

for (const useResponsesApi of [false, true]) {
  describe(`ChatOpenAI ${useResponsesApi ? 'useResponsesApi' : 'chat completions'}`, () => {
    const chat = () => new ChatOpenAI({ model: deployment, apiKey: clientKey, configuration: { baseURL: stack.baseURL }, useResponsesApi, maxRetries: 0 });

    test('invoke answers with usage metadata', async () => {
      const message = await chat().invoke('What is the refund policy?');
      assert.match(message.text, /^Answer to: What is the refund policy\?/);
      assert.ok(message.usage_metadata.input_tokens > 0, JSON.stringify(message.usage_metadata));
      assert.equal(message.usage_metadata.output_tokens, message.text.split(/\s+/).length);
    });

    test('stream sends the answer in pieces, usage included', async () => {
      const chunks = [];
      for await (const chunk of await chat().stream('What is the refund policy?')) chunks.push(chunk);
      assert.ok(chunks.length > 3, `only ${chunks.length} chunks`);
      const whole = chunks.reduce((a, b) => a.concat(b));
      assert.match(whole.text, /^Answer to: What is the refund policy\?/);
      assert.equal(whole.usage_metadata?.output_tokens, whole.text.split(/\s+/).length, JSON.stringify(whole.usage_metadata));
    });

    // A tool named in tool_choice: @langchain/openai 1.6.0 drops tool_choice "required" on the Responses API (its
    // request builder keeps only object choices there), so the name is what forces a call on both APIs.
    test('bindTools with a forced tool returns a parsed tool call the tool can run', async () => {
      const message = await chat().bindTools([lookup], { tool_choice: 'lookup' }).invoke('refund policy');
      assert.equal(message.tool_calls.length, 1);
      assert.equal(message.tool_calls[0].name, 'lookup');
      assert.deepEqual(message.tool_calls[0].args, { query: 'refund policy' });
      const result = await lookup.invoke(message.tool_calls[0]);
      assert.equal(result.content, 'article about refund policy');
    });

    test('streamed tool call chunks add up to the call', async () => {
      const chunks = [];
      for await (const chunk of await chat().bindTools([lookup], { tool_choice: 'lookup' }).stream('refund policy')) chunks.push(chunk);
      const whole = chunks.reduce((a, b) => a.concat(b));
      assert.equal(whole.tool_calls.length, 1);
      assert.deepEqual(whole.tool_calls[0].args, { query: 'refund policy' });
    });

    test('withStructuredOutput (json schema) parses against the schema', async () => {
      const structured = chat().withStructuredOutput(z.object({ answer: z.string() }), { method: 'jsonSchema', name: 'answer' });
      const result = await structured.invoke('Summarise the refund policy.');
      assert.match(result.answer, /^Answer to: Summarise the refund policy\./);
    });
  });
}

test('OpenAIEmbeddings embeds queries and documents', async () => {
  const embeddings = new OpenAIEmbeddings({ model: deployment, apiKey: clientKey, configuration: { baseURL: stack.baseURL }, dimensions: 8, maxRetries: 0 });
  const query = await embeddings.embedQuery('refund policy');
  const documents = await embeddings.embedDocuments(['refund policy', 'shipping times']);
  assert.equal(query.length, 8);
  assert.ok(Math.abs(Math.hypot(...query) - 1) < 1e-5, 'unit length');
  assert.deepEqual(documents[0], query);
  assert.notDeepEqual(documents[1], query);
});
