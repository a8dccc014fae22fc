// Generated from services/swagger/swagger.json by `npm run generate:api`. Do not edit.

export interface paths {
    "/auth/2fa": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Turn two-factor login off
         * @description Needs the password and a code of the authenticator app (or a recovery code).
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["TwoFactorDisableIn"];
                };
            };
            responses: {
                /** @description Successful response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MessageEnvelope"];
                    };
                };
                /** @description Invalid payload */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Authentication error */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Two-factor login is not on */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Request body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Too many wrong codes or passwords */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Database unavailable; retry after `Retry-After` seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/2fa/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Turn two-factor login on
         * @description With a code of the secret of `POST /auth/2fa/setup`. Answers ten single-use recovery
         *     codes, shown this once: only their hashes are kept.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["TwoFactorConfirmIn"];
                };
            };
            responses: {
                /** @description Successful response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RecoveryCodesEnvelope"];
                    };
                };
                /** @description Invalid payload */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Authentication error */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Already on, or no setup started */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Request body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Content-Type is not application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Too many wrong codes or passwords */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Database unavailable; retry after `Retry-After` seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/2fa/setup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start two-factor setup
         * @description A new TOTP secret, and its `otpauth://` URI for a QR code. It takes effect once
         *     `POST /auth/2fa/confirm` sends a code of it; until then logins need no code.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Successful response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TwoFactorSetupEnvelope"];
                    };
                };
                /** @description Authentication error */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Two-factor login is already on */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Content-Type is not application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Database unavailable; retry after `Retry-After` seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/2fa/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log in: the two-factor code
         * @description The second step of a login with two-factor on: the `mfa_token` of `POST /auth/login`
         *     and a `code` of the authenticator app, or one of the `recovery_code`s. Answers like a
         *     login. A code is accepted once; wrong codes are throttled like wrong passwords.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["TwoFactorVerifyIn"];
                };
            };
            responses: {
                /** @description Successful response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TokenEnvelope"];
                    };
                };
                /** @description Invalid payload */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Invalid or expired two-factor login, or a wrong code */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Request body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Content-Type is not application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Too many wrong codes or passwords */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Database unavailable; retry after `Retry-After` seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/account": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete one's own account
         * @description Needs the password, and `code` (of the authenticator app, or a recovery code) when
         *     two-factor login is on. Every session ends and the refresh cookie is cleared; the
         *     other services delete the account's data. Wrong passwords and codes are throttled per
         *     account like failed logins. The last active admin cannot delete itself.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["AccountDeleteIn"];
                };
            };
            responses: {
                /** @description Successful response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MessageEnvelope"];
                    };
                };
                /** @description Invalid payload, a wrong password, or a wrong or missing two-factor code */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Authentication error */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Last active admin */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Request body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Too many wrong passwords or codes */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Database unavailable; retry after `Retry-After` seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Audit log (admin)
         * @description Security events (logins, failures, logouts, refusals, account changes, ended
         *     sessions...), newest first, paged like `GET /users`. `user_id` keeps the events that
         *     account did or that concerned it; `event` those of one name. Rows are kept
         *     `AUDIT_RETENTION_DAYS` days.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Only the events of this name, e.g. `login_failed`. */
                    event?: string | null;
                    page?: number;
                    /** @description Page size; values above 100 count as 100. */
                    per_page?: number;
                    /** @description Only the events this account did, or that concerned it. */
                    user_id?: number | null;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Successful response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AuditPageEnvelope"];
                    };
                };
                /** @description Invalid payload */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Authentication error */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Admins only */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Database unavailable; retry after `Retry-After` seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/jwks.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Public signing keys (JWKS)
         * @description The Ed25519 keys access tokens are signed with, by `kid`: the current key first, then
         *     the previous ones that still verify. Public parts only. Other services check access
         *     tokens offline against this set. Cacheable for five minutes.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Successful response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["JWKSet"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log in
         * @description Any bad credential gives the same 401. Repeated failures for one account are
         *     throttled with 429 and a growing `Retry-After`. With two-factor login on, a right
         *     password answers `data.mfa_required` and `data.mfa_token` instead of tokens: send
         *     it with a code to `POST /auth/2fa/verify`. With REQUIRE_VERIFIED_EMAIL on, the right
         *     password of an account whose email is not verified answers 403 (and mails a new link);
         *     a wrong password answers 401 as always.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["LoginIn"];
                };
            };
            responses: {
                /** @description Successful response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["LoginEnvelope"];
                    };
                };
                /** @description Invalid payload */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Invalid email or password */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Email not verified (REQUIRE_VERIFIED_EMAIL) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Request body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Content-Type is not application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Too many requests */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Database unavailable; retry after `Retry-After` seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Log out
         * @description Revokes the access token and ends the session (its refresh token stops working).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Successful response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MessageEnvelope"];
                    };
                };
                /** @description Authentication error */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Database unavailable; retry after `Retry-After` seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Log out (POST)
         * @description Same as `GET /auth/logout`.
         */
        post: operations["logout_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Change password
         * @description Ends every other session; the response carries fresh tokens for this one. Wrong
         *     current passwords are throttled per account like failed logins (429 with `Retry-After`).
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["PasswordChangeIn"];
                };
            };
            responses: {
                /** @description Successful response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TokenEnvelope"];
                    };
                };
                /** @description Invalid payload */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Authentication error */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Request body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Content-Type is not application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Too many requests */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Database unavailable; retry after `Retry-After` seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/password-reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Request a password reset
         * @description Always answers the same way, whether or not the email has an account. A registered
         *     address receives a single-use link, valid for one hour.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["PasswordResetIn"];
                };
            };
            responses: {
                /** @description Successful response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MessageEnvelope"];
                    };
                };
                /** @description Invalid payload */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Request body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Content-Type is not application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Too many requests */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Database unavailable; retry after `Retry-After` seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/password-reset/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Set a new password with a reset token
         * @description Ends every session of the account.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["PasswordResetConfirmIn"];
                };
            };
            responses: {
                /** @description Successful response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MessageEnvelope"];
                    };
                };
                /** @description Invalid payload */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Request body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Content-Type is not application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Too many requests */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Database unavailable; retry after `Retry-After` seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Refresh the access token
         * @description Uses the httpOnly refresh cookie (path `/auth`) and rotates it. Reusing an old refresh
         *     token ends the whole session.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Successful response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TokenEnvelope"];
                    };
                };
                /** @description Missing, invalid, expired or reused refresh token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Cross-site request */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Content-Type is not application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Too many requests */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Database unavailable; retry after `Retry-After` seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Register
         * @description Creates an account, mails its address a verification link (single-use, 24 hours) and
         *     logs it in (access token in the body, refresh token as cookie). With
         *     REQUIRE_VERIFIED_EMAIL on (staging and production by default) it answers no tokens:
         *     the owner logs in once the link was opened.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["RegisterIn"];
                };
            };
            responses: {
                /** @description Successful response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RegisterEnvelope"];
                    };
                };
                /** @description Invalid payload */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description User already exists */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Request body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Content-Type is not application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Too many requests */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Database unavailable; retry after `Retry-After` seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * My sessions
         * @description The caller's sessions that are still active (each a login, on one browser), most
         *     recently used first; `current` marks the one of the access token sent.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Successful response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SessionListEnvelope"];
                    };
                };
                /** @description Authentication error */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Database unavailable; retry after `Retry-After` seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /**
         * End all my other sessions
         * @description Every session of the caller but the one of the access token sent.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Successful response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MessageEnvelope"];
                    };
                };
                /** @description Authentication error */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Database unavailable; retry after `Retry-After` seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/sessions/{session_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * End one of my sessions
         * @description Its refresh token stops working, and its access tokens are refused at once, here and in
         *     the other services. Another account's session, or an unknown one, answers 404.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    session_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Successful response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MessageEnvelope"];
                    };
                };
                /** @description Authentication error */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Session does not exist */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Database unavailable; retry after `Retry-After` seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Current user
         * @description The caller's own account, including `email` and `admin`.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Successful response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UserEnvelope"];
                    };
                };
                /** @description Authentication error */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Database unavailable; retry after `Retry-After` seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/verify-email": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Verify an email address
         * @description The token of a link mailed by registration, by `POST /auth/verify-email/resend`, or by
         *     a change of one's own email. Each link works once, for 24 hours; a newer link of the
         *     account makes older ones stop working, and so does a password change for a pending
         *     email change. A change's link makes its address the account's, verified; it answers
         *     409 when another account took that address meanwhile.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["VerifyEmailIn"];
                };
            };
            responses: {
                /** @description Successful response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MessageEnvelope"];
                    };
                };
                /** @description Invalid, used or expired link */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description The new address was taken meanwhile */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Request body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Content-Type is not application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Too many requests */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Database unavailable; retry after `Retry-After` seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/verify-email/resend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Mail the verification link again
         * @description A new link to the caller's address (earlier ones stop working). 409 when the address
         *     is already verified; at most RATE_LIMIT_VERIFICATION_MAIL per account (429 with
         *     `Retry-After`). With REQUIRE_VERIFIED_EMAIL on, a login with the right password of an
         *     unverified account mails a new link too (within the same limit).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Successful response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MessageEnvelope"];
                    };
                };
                /** @description Authentication error */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Already verified */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Content-Type is not application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Too many verification emails */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Database unavailable; retry after `Retry-After` seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness probe
         * @description Answers as long as the process can serve requests; never touches the database.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Successful response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MessageEnvelope"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness probe
         * @description 200 when the database answers and its schema is at this code's newest migration,
         *     otherwise 503 with `Retry-After`.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Successful response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MessageEnvelope"];
                    };
                };
                /** @description Database unavailable */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List users
         * @description Public. `email` and `admin` are included only for admins and for the caller's own
         *     account (send a Bearer token to be recognised; an invalid token is treated as anonymous).
         *     Page with `page`, or by key with `after` (the previous page's `next_after`; id order only).
         *
         *     Search with `q`: a case-insensitive substring of the username, and for admins of the
         *     email as well. `sort`, `active`, `admin` and `verified` are for admins; anyone else sending them
         *     gets 403. `total` counts the users the search keeps.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Admins only. `true` or `false`: only active, or only inactive, accounts. */
                    active?: boolean | null;
                    /** @description Admins only. `true` or `false`: only admins, or only non-admins. */
                    admin?: boolean | null;
                    /** @description Keyset paging: the users whose id is greater than this (the `next_after` of the previous page), instead of `page`. As fast at any depth; `page` skips rows first. */
                    after?: number | null;
                    page?: number;
                    /** @description Page size; values above 100 count as 100. */
                    per_page?: number;
                    /** @description Case-insensitive substring of the username, and for admins of the email too. */
                    q?: string | null;
                    /** @description Admins only. The order; `-` first for descending. Default `id`. */
                    sort?: "id" | "-id" | "username" | "-username" | "email" | "-email" | "created_date" | "-created_date" | null;
                    /** @description Admins only. `true` or `false`: only verified, or only unverified, email addresses. */
                    verified?: boolean | null;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Successful response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UserPageEnvelope"];
                    };
                };
                /** @description Invalid payload */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description sort, active, admin or verified sent by a caller who is not an admin */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Database unavailable; retry after `Retry-After` seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Create a user (admin)
         * @description The account starts with `email_verified` false; its address is mailed a verification link.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["UserCreateIn"];
                };
            };
            responses: {
                /** @description Successful response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UserEnvelope"];
                    };
                };
                /** @description Invalid payload */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Authentication error */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Admins only */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Email or username already exists */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Request body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Content-Type is not application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Database unavailable; retry after `Retry-After` seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/users/{user_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get one user
         * @description Public; private fields as for the list.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    user_id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Successful response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UserEnvelope"];
                    };
                };
                /** @description User does not exist */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Database unavailable; retry after `Retry-After` seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
            };
        };
        /**
         * Update a user
         * @description `PUT` and `PATCH` alike: the fields sent change, the others keep their values. Admins
         *     may change any field; a user may change their own `username`, and their own `email`
         *     with `current_password`. One's own new email takes effect once a link mailed to it is
         *     opened (`POST /auth/verify-email`); the old address is told at once, and the answer
         *     still shows the old one. An admin's change of someone else's email takes effect at
         *     once, with `email_verified` false and a verification link mailed to the new address.
         *     The last active admin cannot be demoted or deactivated.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    user_id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["UserUpdateIn"];
                };
            };
            responses: {
                /** @description Successful response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UserEnvelope"];
                    };
                };
                /** @description Invalid payload */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Authentication error */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Not allowed */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description User does not exist */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Duplicate or last admin */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Request body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Content-Type is not application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Too many email changes */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Database unavailable; retry after `Retry-After` seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
            };
        };
        post?: never;
        /**
         * Delete a user (admin)
         * @description The last active admin cannot be deleted.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    user_id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Successful response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MessageEnvelope"];
                    };
                };
                /** @description Authentication error */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Admins only */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description User does not exist */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Last active admin */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Database unavailable; retry after `Retry-After` seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /**
         * Update a user
         * @description `PUT` and `PATCH` alike: the fields sent change, the others keep their values. Admins
         *     may change any field; a user may change their own `username`, and their own `email`
         *     with `current_password`. One's own new email takes effect once a link mailed to it is
         *     opened (`POST /auth/verify-email`); the old address is told at once, and the answer
         *     still shows the old one. An admin's change of someone else's email takes effect at
         *     once, with `email_verified` false and a verification link mailed to the new address.
         *     The last active admin cannot be demoted or deactivated.
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    user_id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["UserUpdateIn"];
                };
            };
            responses: {
                /** @description Successful response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UserEnvelope"];
                    };
                };
                /** @description Invalid payload */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Authentication error */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Not allowed */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description User does not exist */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Duplicate or last admin */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Request body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Content-Type is not application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Too many email changes */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Database unavailable; retry after `Retry-After` seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/users/{user_id}/2fa": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Reset a user's two-factor login (admin)
         * @description Turns it off and removes the secret and the recovery codes, for a user who lost both.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    user_id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Successful response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MessageEnvelope"];
                    };
                };
                /** @description Authentication error */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Admins only */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description User does not exist */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Database unavailable; retry after `Retry-After` seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/users/{user_id}/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * End all of a user's sessions (admin)
         * @description Every refresh token of the user stops working and their access tokens are refused at
         *     once, here and in the other services (`session.revoked`), as when the user ends them.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    user_id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Successful response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MessageEnvelope"];
                    };
                };
                /** @description Authentication error */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Admins only */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description User does not exist */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
                /** @description Database unavailable; retry after `Retry-After` seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FailEnvelope"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/users/ping": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Ping the users API */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Successful response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MessageEnvelope"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        AccountDeleteIn: {
            /** @description Needed when two-factor login is on: a code of the authenticator app, or a recovery code. */
            code?: string;
            password: string;
        };
        AuditEventPublic: {
            /** @description The client's address. */
            address: string | null;
            /**
             * Format: date-time
             * @description ISO 8601, UTC.
             */
            created_at: string;
            /** @description The event's other fields; never secrets, codes or tokens. */
            details: {
                [key: string]: unknown;
            };
            /** @example login_failed */
            event: string;
            id: number;
            /** @description `X-Request-ID` of the request. */
            request_id: string | null;
            /** @description The account acted upon, when another. */
            target_user_id: number | null;
            /** @description Who acted (null: not known). */
            user_id: number | null;
        };
        AuditPage: {
            /** @description Newest first. */
            events: components["schemas"]["AuditEventPublic"][];
            page: number;
            per_page: number;
            /** @description The events that match the filters. */
            total: number;
        };
        AuditPageEnvelope: {
            data: components["schemas"]["AuditPage"];
            /** @enum {string} */
            status: "success";
        };
        FailEnvelope: {
            /** @description Field name to messages (validation failures). */
            errors?: {
                [key: string]: string[];
            };
            message: string;
            request_id?: string;
            /** @enum {string} */
            status: "fail";
        };
        JWKSet: {
            /** @description The signing key first. */
            keys: components["schemas"]["PublicJWK"][];
        };
        LoginEnvelope: {
            /** @description Access JWT; absent when `data.mfa_required`. */
            auth_token?: string;
            /** @description Only when a code is needed: no token, no cookie. */
            data?: components["schemas"]["MfaChallengeOut"];
            /** @description Seconds until the access token expires. */
            expires_in?: number;
            message: string;
            /** @enum {string} */
            status: "success";
            /** @enum {string} */
            token_type?: "Bearer";
        };
        LoginIn: {
            /** @example alice@example.com */
            email: string;
            password: string;
        };
        MessageEnvelope: {
            message: string;
            /** @enum {string} */
            status: "success";
        };
        MfaChallengeOut: {
            /** @description Seconds until `mfa_token` expires. */
            expires_in: number;
            /** @enum {boolean} */
            mfa_required: true;
            /** @description Send it with a code to `POST /auth/2fa/verify`; single-use. */
            mfa_token: string;
        };
        PasswordChangeIn: {
            current_password: string;
            /** @description 11-128 characters, not a common password. */
            new_password: string;
        };
        PasswordResetConfirmIn: {
            /** @description 11-128 characters, not a common password. */
            password: string;
            token: string;
        };
        PasswordResetIn: {
            /** @example alice@example.com */
            email: string;
        };
        PublicJWK: {
            /** @enum {string} */
            alg: "EdDSA";
            /** @enum {string} */
            crv: "Ed25519";
            /** @description RFC 7638 thumbprint of the key, base64url. */
            kid: string;
            /** @enum {string} */
            kty: "OKP";
            /** @enum {string} */
            use: "sig";
            /** @description The public key, base64url. */
            x: string;
        };
        RecoveryCodes: {
            /** @description Ten single-use codes, shown this once only. */
            recovery_codes: string[];
        };
        RecoveryCodesEnvelope: {
            data: components["schemas"]["RecoveryCodes"];
            message: string;
            /** @enum {string} */
            status: "success";
        };
        RegisterEnvelope: {
            /** @description Access JWT; absent when REQUIRE_VERIFIED_EMAIL is on (log in once verified). */
            auth_token?: string;
            /** @description Seconds until the access token expires. */
            expires_in?: number;
            message: string;
            /** @enum {string} */
            status: "success";
            /** @enum {string} */
            token_type?: "Bearer";
        };
        RegisterIn: {
            /**
             * Format: email
             * @description Compared case-insensitively.
             * @example alice@example.com
             */
            email: string;
            /** @description 11-128 characters, not a common password. */
            password: string;
            /**
             * @description 6-128 characters.
             * @example alice.smith
             */
            username: string;
        };
        SessionList: {
            /** @description Most recently used first. */
            sessions: components["schemas"]["SessionPublic"][];
        };
        SessionListEnvelope: {
            data: components["schemas"]["SessionList"];
            /** @enum {string} */
            status: "success";
        };
        SessionPublic: {
            /** @description The client address of its latest use. */
            address: string | null;
            /**
             * Format: date-time
             * @description When the session started (login). ISO 8601, UTC.
             */
            created: string;
            /** @description Whether the request's access token belongs to it. */
            current: boolean;
            /** @description The session's id (`sid` of its access tokens). */
            id: string;
            /**
             * Format: date-time
             * @description Its latest refresh, or its start. ISO 8601, UTC.
             */
            last_used: string;
            /** @description The browser of its latest use. */
            user_agent: string | null;
        };
        TokenEnvelope: {
            /** @description Access JWT, send as `Authorization: Bearer`. */
            auth_token: string;
            /** @description Seconds until the access token expires. */
            expires_in: number;
            message: string;
            /** @enum {string} */
            status: "success";
            /** @enum {string} */
            token_type: "Bearer";
        };
        TwoFactorConfirmIn: {
            /** @description The 6-digit code the authenticator app shows for the new secret. */
            code: string;
        };
        TwoFactorDisableIn: {
            /** @description A code of the authenticator app, or a recovery code. */
            code: string;
            password: string;
        };
        TwoFactorSetup: {
            /** @description The `otpauth://totp/...` URI, shown as a QR code. */
            otpauth_uri: string;
            /** @description Base32, for typing into an authenticator app. */
            secret: string;
        };
        TwoFactorSetupEnvelope: {
            data: components["schemas"]["TwoFactorSetup"];
            message: string;
            /** @enum {string} */
            status: "success";
        };
        TwoFactorVerifyIn: {
            /** @description The 6-digit code of the authenticator app. */
            code?: string;
            /** @description The `data.mfa_token` of `POST /auth/login`. */
            mfa_token: string;
            /** @description One of the recovery codes, instead of `code`; each works once. */
            recovery_code?: string;
        } & (unknown | unknown);
        UserCreateIn: {
            /** @default true */
            active?: boolean;
            /** @default false */
            admin?: boolean;
            /**
             * Format: email
             * @description Compared case-insensitively.
             * @example alice@example.com
             */
            email: string;
            /** @description 11-128 characters, not a common password. */
            password: string;
            /**
             * @description 6-128 characters.
             * @example alice.smith
             */
            username: string;
        };
        UserEnvelope: {
            data: components["schemas"]["UserPublic"];
            message?: string;
            /** @enum {string} */
            status: "success";
        };
        UserPage: {
            /** @description The `after` value for the next page; null when this page is the last. */
            next_after: number | null;
            page: number;
            per_page: number;
            /** @description All users; counted at most once a second per worker (USER_COUNT_MAX_AGE). */
            total: number;
            users: components["schemas"]["UserPublic"][];
        };
        UserPageEnvelope: {
            data: components["schemas"]["UserPage"];
            /** @enum {string} */
            status: "success";
        };
        UserPublic: {
            active: boolean;
            /** @description Only shown to admins and to the user themself. */
            admin?: boolean;
            /**
             * Format: date-time
             * @description ISO 8601, UTC.
             */
            created_date: string;
            /** @description Only shown to admins and to the user themself. */
            email?: string;
            /** @description Whether the owner opened a link mailed to `email`. Only shown to admins and to the user themself. */
            email_verified?: boolean;
            id: number;
            /** @description Whether a login needs a TOTP code. Only shown to admins and to the user themself. */
            two_factor_enabled?: boolean;
            username: string;
        };
        UserUpdateIn: {
            /** @description Admins only. */
            active?: boolean;
            /** @description Admins only. */
            admin?: boolean;
            /** @description Required to change one's own `email`. */
            current_password?: string;
            /**
             * Format: email
             * @description Compared case-insensitively.
             * @example alice@example.com
             */
            email?: string;
            /**
             * @description 6-128 characters.
             * @example alice.smith
             */
            username?: string;
        };
        VerifyEmailIn: {
            /** @description The token after `#token=` in the link mailed to the address. */
            token: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    logout_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MessageEnvelope"];
                };
            };
            /** @description Authentication error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailEnvelope"];
                };
            };
            /** @description Cross-site request */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailEnvelope"];
                };
            };
            /** @description Content-Type is not application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailEnvelope"];
                };
            };
            /** @description Database unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailEnvelope"];
                };
            };
        };
    };
}
