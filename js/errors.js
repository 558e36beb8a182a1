// OidcEdgeError, the class of every error the package throws. One class for every entry: the main module's
// and the SPA module's wasm construct their errors through it (each entry hands it over at load with
// `__oidcEdgeErrorClass`), and the entries throw it themselves before the module is there.
export class OidcEdgeError extends Error {
  /**
   * @param {string} code one of the stable codes (`OidcEdgeErrorCode` in types/errors.d.ts)
   * @param {string} message what was expected and what was found
   */
  constructor(code, message) {
    super(message);
    // Own properties, as every earlier release set them: `name` and `code` show in console.log and JSON.
    this.name = "OidcEdgeError";
    this.code = code;
  }
}

/**
 * What wasm-bindgen's glue holds in place of the module until `init()` has loaded it (scripts/guard-init.mjs
 * puts it there): any call through it throws `not_initialized` instead of a `TypeError` about `undefined`.
 * @param {string} entry the specifier the caller imported (`oidc-edge`, `oidc-edge/spa`), for the message
 */
export function notInitialized(entry) {
  return new Proxy({}, {
    get() {
      throw new OidcEdgeError("not_initialized",
        `${entry} is not initialized: await init() from "${entry}" before calling anything else`);
    },
  });
}
