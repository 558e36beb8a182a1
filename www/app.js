// The demo page: everything shown is computed by the oidc-edge package in this browser.
import { init, generatePkce, randomToken, buildAuthorizeUrl } from "oidc-edge";

await init();
const $ = (id) => document.getElementById(id);
const form = $("authorize");
form.redirectUri.value = new URL("/callback", location.href).href;
let pair;

function render() {
  $("verifier").textContent = pair.codeVerifier;
  $("challenge").textContent = pair.codeChallenge;
  $("method").textContent = pair.codeChallengeMethod;
  const fields = Object.fromEntries(new FormData(form));
  try {
    $("url").textContent = buildAuthorizeUrl({
      ...fields, state: randomToken(), nonce: randomToken(), codeChallenge: pair.codeChallenge,
    });
    $("error").hidden = true;
  } catch (e) {
    $("error").textContent = `${e.code}: ${e.message}`;
    $("error").hidden = false;
  }
}

$("regenerate").addEventListener("click", () => { pair = generatePkce(); render(); });
form.addEventListener("input", render);
pair = generatePkce();
render();
