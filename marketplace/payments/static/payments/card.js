// The card form: Stripe.js tokenises the card, our server creates and confirms the
// PaymentIntent, and Stripe.js runs 3-D Secure when the server hands it a client secret.
// Uses only createToken and confirmCardPayment, which real Stripe.js and localstripe share.
// The form is hidden until this script runs: without JavaScript the page explains instead.
(function () {
  "use strict";
  var form = document.getElementById("card-form");
  if (!form || typeof Stripe === "undefined") { return; }
  var stripe = Stripe(form.dataset.publishableKey, { locale: form.dataset.locale || "auto" });
  form.hidden = false;
  var card = stripe.elements({ locale: form.dataset.locale || "auto" }).create("card");
  card.mount("#card-element");
  var message = document.getElementById("card-message");
  var submit = document.getElementById("card-submit");
  var khmer = (document.documentElement.lang || "").indexOf("km") === 0;

  function fail(text) {
    message.textContent = text || form.dataset.errorMessage;
    submit.disabled = false;
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    submit.disabled = true;
    message.textContent = "";
    var tokenResult = await stripe.createToken(card);
    // Stripe.js speaks no Khmer: on Khmer pages its English errors give way to ours.
    if (tokenResult.error) { return fail(khmer ? form.dataset.errorMessage : tokenResult.error.message); }
    var body = new FormData();
    body.append("token", tokenResult.token.id);
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    var response, result;
    try {
      response = await fetch(form.action, {
        method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "application/json" }
      });
      result = await response.json();
    } catch (error) {
      return fail();
    }
    if (result.status === "succeeded" || result.status === "processing") {
      window.location.assign(result.return_url);
    } else if (result.status === "requires_action") {
      await stripe.confirmCardPayment(result.client_secret);
      // Whatever the browser was told, the return page asks the server.
      window.location.assign(result.return_url);
    } else {
      fail(result.message || form.dataset.declinedMessage);
    }
  });
})();
