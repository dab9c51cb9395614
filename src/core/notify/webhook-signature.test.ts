import { describe, expect, it } from "vitest";
import {
  newWebhookSecret,
  secretKey,
  signatureHeader,
  signWebhook,
  verifyWebhook,
} from "./webhook-signature.ts";

// The test vector published with the Standard Webhooks specification (and Svix's libraries).
const vector = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};

describe("Standard Webhooks signatures", () => {
  it("reproduce the specification's test vector", () => {
    expect(signWebhook(vector.secret, vector.id, vector.timestamp, vector.body)).toBe(vector.signature);
  });

  it("verify a delivery, and refuse a changed body, another id, or a stale timestamp", () => {
    const headers = { id: vector.id, timestamp: String(vector.timestamp), signature: vector.signature };
    expect(verifyWebhook(vector.secret, headers, vector.body, vector.timestamp + 10)).toBe(true);
    expect(verifyWebhook(vector.secret, headers, '{"test": 2432232315}', vector.timestamp)).toBe(false);
    expect(verifyWebhook(vector.secret, { ...headers, id: "msg_other" }, vector.body, vector.timestamp)).toBe(
      false,
    );
    expect(verifyWebhook(vector.secret, headers, vector.body, vector.timestamp + 301)).toBe(false);
    expect(verifyWebhook(newWebhookSecret(), headers, vector.body, vector.timestamp)).toBe(false);
  });

  it("carry one signature per secret during a rotation; either secret verifies", () => {
    const fresh = newWebhookSecret();
    const header = signatureHeader([fresh, vector.secret], vector.id, vector.timestamp, vector.body);
    expect(header.split(" ")).toEqual([
      signWebhook(fresh, vector.id, vector.timestamp, vector.body),
      vector.signature,
    ]);
    for (const secret of [fresh, vector.secret]) {
      expect(
        verifyWebhook(
          secret,
          { id: vector.id, timestamp: String(vector.timestamp), signature: header },
          vector.body,
          vector.timestamp,
        ),
      ).toBe(true);
    }
  });

  it("issue whsec_ secrets of 32 random bytes", () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(secretKey(a)).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(a);
  });
});
