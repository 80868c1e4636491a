// The List of Waste search of the declaration form: a click on a result fills the code field.
// Results come from /symbiosis/codes/ through htmx; no inline script (the CSP forbids it).
document.addEventListener("click", (event) => {
  const button = event.target.closest("#code-results [data-code]");
  if (!button) return;
  const field = document.getElementById("id_waste_code");
  if (!field) return;
  field.value = button.dataset.code;
  field.focus();
});

// Enter in the search box searches; it must not send the declaration form.
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.target.id === "code-q") event.preventDefault();
});
