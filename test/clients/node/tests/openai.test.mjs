// The official `openai` npm client through a real `switchback serve`: responses (plain, streamed, tools, parse) and
// chat completions (plain, streamed with usage, tools, parse).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { zodFunction, zodResponseFormat, zodResponsesFunction, zodTextFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { clientKey, deployment, startStack } from '../harness.mjs';

let stack;
let client;
before(async () => {
  stack = await startStack();
  client = new OpenAI({ baseURL: stack.baseURL, apiKey: clientKey, maxRetries: 0 });
});
after(() => stack?.stop());

const Answer = z.object({ answer: z.string() });
const Lookup = z.object({ query: z.string() });
const words = (text) => text.split(/\s+/).length;

describe('openai responses', () => {
  test('create answers with usage and the version headers', async () => {
    const { data, response } = await client.responses.create({ model: deployment, input: 'What is the refund policy?' }).withResponse();
    assert.equal(data.status, 'completed');
    assert.match(data.output_text, /^Answer to: What is the refund policy\?/);
    assert.equal(data.usage.output_tokens, words(data.output_text));
    assert.equal(response.headers.get('x-switchback-deployment'), deployment);
    assert.equal(response.headers.get('x-switchback-version'), '1');
    assert.match(response.headers.get('x-switchback-request-id'), /^req_/);
  });

  test('create with stream yields typed events ending in response.completed', async () => {
    const stream = await client.responses.create({ model: deployment, input: 'What is the refund policy?', stream: true });
    const events = [];
    for await (const event of stream) events.push(event);
    assert.equal(events[0].type, 'response.created');
    assert.equal(events.at(-1).type, 'response.completed');
    const text = events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join('');
    assert.match(text, /^Answer to: What is the refund policy\?/);
    assert.equal(events.at(-1).response.output_text ?? events.at(-1).response.output[0].content[0].text, text);
    assert.equal(events.at(-1).response.usage.output_tokens, words(text));
  });

  test('a previous_response_id follow-up and a stored-response GET reach the version that created it', async () => {
    const first = await client.responses.create({ model: deployment, input: 'Where is order 42?' });
    const followUp = await client.responses.create({ model: deployment, input: 'And order 43?', previous_response_id: first.id });
    assert.match(followUp.output_text, /^Answer to: And order 43\?/);
    const stored = await client.responses.retrieve(first.id);
    assert.equal(stored.id, first.id);
    assert.equal(stored.output_text, first.output_text);
  });

  test('a forced function tool comes back as a parsed function_call', async () => {
    const response = await client.responses.parse({
      model: deployment, input: 'refund policy', tool_choice: 'required',
      tools: [zodResponsesFunction({ name: 'lookup', parameters: Lookup })],
    });
    const call = response.output[0];
    assert.equal(call.type, 'function_call');
    assert.equal(call.name, 'lookup');
    assert.deepEqual(call.parsed_arguments, { query: 'refund policy' });
  });

  test('parse with a zod text format returns the parsed object', async () => {
    const response = await client.responses.parse({ model: deployment, input: 'Summarise the refund policy.', text: { format: zodTextFormat(Answer, 'answer') } });
    assert.match(response.output_parsed.answer, /^Answer to: Summarise the refund policy\./);
  });
});

describe('openai chat completions', () => {
  test('create answers with usage and the version headers', async () => {
    const { data, response } = await client.chat.completions.create({ model: deployment, messages: [{ role: 'user', content: 'Where is my order?' }] }).withResponse();
    assert.match(data.choices[0].message.content, /^Answer to: Where is my order\?/);
    assert.equal(data.usage.completion_tokens, words(data.choices[0].message.content));
    assert.equal(response.headers.get('x-switchback-version'), '1');
  });

  test('create with stream and include_usage ends with a usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: deployment, messages: [{ role: 'user', content: 'Where is my order?' }], stream: true, stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    assert.match(text, /^Answer to: Where is my order\?/);
    assert.ok(chunks.length > 3);
    assert.equal(chunks.at(-1).usage.completion_tokens, words(text));
  });

  test('a forced tool comes back as a tool call, and the tool result gets an answer', async () => {
    const messages = [{ role: 'user', content: 'refund policy' }];
    const tools = [zodFunction({ name: 'lookup', parameters: Lookup })];
    const first = await client.chat.completions.parse({ model: deployment, messages, tools, tool_choice: 'required' });
    const call = first.choices[0].message.tool_calls[0];
    assert.equal(first.choices[0].finish_reason, 'tool_calls');
    assert.equal(call.function.name, 'lookup');
    assert.deepEqual(call.function.parsed_arguments, { query: 'refund policy' });

    messages.push(first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: 'Refunds within 30 days.' });
    const second = await client.chat.completions.create({ model: deployment, messages, tools });
    assert.equal(second.choices[0].finish_reason, 'stop');
    assert.match(second.choices[0].message.content, /^Answer to: refund policy/);
  });

  test('a streamed tool call is assembled by the client helper', async () => {
    const runner = client.chat.completions.stream({
      model: deployment, messages: [{ role: 'user', content: 'refund policy' }], tool_choice: 'required',
      tools: [zodFunction({ name: 'lookup', parameters: Lookup })],
    });
    const completion = await runner.finalChatCompletion();
    assert.deepEqual(completion.choices[0].message.tool_calls[0].function.parsed_arguments, { query: 'refund policy' });
  });

  test('parse with a zod response format returns the parsed object', async () => {
    const completion = await client.chat.completions.parse({
      model: deployment, messages: [{ role: 'user', content: 'Summarise the refund policy.' }], response_format: zodResponseFormat(Answer, 'answer'),
    });
    assert.match(completion.choices[0].message.parsed.answer, /^Answer to: Summarise the refund policy\./);
  });
});

test('embeddings come back as vectors of the asked dimension', async () => {
  const result = await client.embeddings.create({ model: deployment, input: ['refund policy', 'shipping'], dimensions: 8 });
  assert.equal(result.data.length, 2);
  assert.equal(result.data[0].embedding.length, 8);
});
