import { type Static, Type } from "typebox";

/** The service's route families a fault can target. */
export const FaultRoute = Type.Union([
  Type.Literal("token"),
  Type.Literal("enrollment"),
  Type.Literal("discovery"),
  Type.Literal("gateway"),
  Type.Literal("content"),
  Type.Literal("graph"),
  Type.Literal("blob"),
]);
export type FaultRoute = Static<typeof FaultRoute>;

/** Which requests a fault applies to; every member given must match. */
export const FaultMatch = Type.Object(
  {
    route: Type.Optional(FaultRoute),
    method: Type.Optional(Type.String({ minLength: 1 })),
    /** Gateway `RequestContentType`, e.g. `GetContentInfo`. */
    requestContentType: Type.Optional(Type.String({ minLength: 1 })),
    appId: Type.Optional(Type.String({ minLength: 1 })),
    deviceId: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);
export type FaultMatch = Static<typeof FaultMatch>;

/** What happens to a matched request. */
export const FaultEffect = Type.Union([
  Type.Object(
    { kind: Type.Literal("status"), status: Type.Integer({ minimum: 400, maximum: 599 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal("latency"), ms: Type.Integer({ minimum: 0, maximum: 600_000 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal("throttle"), retryAfterSeconds: Type.Integer({ minimum: 0, maximum: 86_400 }) },
    { additionalProperties: false },
  ),
  /** Content only: the connection is destroyed after this many body bytes. */
  Type.Object(
    { kind: Type.Literal("drop"), afterBytes: Type.Integer({ minimum: 0 }) },
    { additionalProperties: false },
  ),
  /** Content only: the byte at this offset of the file is flipped on the way out. */
  Type.Object(
    { kind: Type.Literal("corrupt"), offset: Type.Integer({ minimum: 0 }) },
    { additionalProperties: false },
  ),
  /** Content only: the body ends cleanly after this many bytes (shorter than Content-Length claims). */
  Type.Object(
    { kind: Type.Literal("truncate"), bytes: Type.Integer({ minimum: 0 }) },
    { additionalProperties: false },
  ),
  /** Authenticated routes: the caller's token is treated as expired (401), as if it expired early. */
  Type.Object({ kind: Type.Literal("expireToken") }, { additionalProperties: false }),
]);
export type FaultEffect = Static<typeof FaultEffect>;

/** One rule of a fault plan. */
export const FaultRule = Type.Object(
  {
    id: Type.Optional(Type.String({ minLength: 1 })),
    match: FaultMatch,
    effect: FaultEffect,
    /** Fire at most this many times, then stop matching; unlimited when omitted. */
    times: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type FaultRule = Static<typeof FaultRule>;

/** A fault plan: rules checked in order, the first match fires. */
export const FaultPlan = Type.Object({ rules: Type.Array(FaultRule) }, { additionalProperties: false });
export type FaultPlan = Static<typeof FaultPlan>;
