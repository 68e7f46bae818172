import { type Static, Type } from "typebox";

/** A user who signs in on the enrolling device: an existing user of the tenant, by id or UPN (contract U). */
export const EnrollmentUser = Type.Object({
  userPrincipalName: Type.String({ minLength: 3, maxLength: 256, pattern: "^[^@\\s]+@[^@\\s]+$" }),
  displayName: Type.Optional(Type.String({ maxLength: 256 })),
  /** Entra object id of the tenant user; when omitted the user is found by UPN. */
  id: Type.Optional(Type.String({ format: "uuid" })),
});

/** `POST /enrollment/devices` body. */
export const EnrollmentRequest = Type.Object({
  deviceName: Type.String({ minLength: 1, maxLength: 63 }),
  /** Windows version as the IME reports it, e.g. `10.0.26100`. */
  osVersion: Type.Optional(Type.String({ pattern: "^\\d+\\.\\d+\\.\\d+(\\.\\d+)?$" })),
  users: Type.Optional(Type.Array(EnrollmentUser, { maxItems: 64 })),
  /**
   * A PKCS#10 request (PEM or base64 DER) for a key the device made itself. When omitted the
   * service makes the key pair and returns the private key with the certificate.
   */
  certificateSigningRequest: Type.Optional(Type.String({ minLength: 16, maxLength: 16_384 })),
  /**
   * What assignment filters see of the device besides its name and OS version (ime.md §11b). Omitted
   * members take the lab device's values for the enumerated ones (amd64, Azure AD joined, Corporate,
   * False) and no value for the rest.
   */
  filterProperties: Type.Optional(
    Type.Object(
      Object.fromEntries(
        [
          "manufacturer",
          "model",
          "deviceCategory",
          "enrollmentProfileName",
          "operatingSystemSKU",
          "cpuArchitecture",
          "deviceTrustType",
          "deviceOwnership",
          "isTpmAttested",
        ].map((name) => [name, Type.Optional(Type.String({ maxLength: 256 }))]),
      ),
      { additionalProperties: false },
    ),
  ),
});
export type EnrollmentRequest = Static<typeof EnrollmentRequest>;

/** What an enrolled device receives: its identity and MDM certificate (plus key when made here). */
export const EnrollmentResponse = Type.Object({
  deviceId: Type.String(),
  tenantId: Type.String(),
  deviceName: Type.String(),
  osVersion: Type.String(),
  users: Type.Array(
    Type.Object({ id: Type.String(), userPrincipalName: Type.String(), displayName: Type.String() }),
  ),
  certificate: Type.String({ description: "PEM of the MDM device certificate" }),
  privateKey: Type.Optional(Type.String({ description: "PKCS#8 PEM, only when the service made the key" })),
  caCertificate: Type.String({ description: "PEM of the issuing CA" }),
  thumbprint: Type.String({ description: "SHA-1 of the certificate, upper-case hex" }),
  tokenEndpoint: Type.String(),
  serviceDiscoveryUrl: Type.String(),
});
export type EnrollmentResponse = Static<typeof EnrollmentResponse>;
