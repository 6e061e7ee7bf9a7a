// 卡口登记: "再加一人" adds a person block on the same screen (without JS the link reloads with one more).
document.addEventListener("DOMContentLoaded", () => {
  const add = document.getElementById("add-person");
  const people = document.getElementById("people");
  const template = document.getElementById("person-template");
  if (!add || !people || !template) return;
  add.addEventListener("click", (event) => {
    event.preventDefault();
    const n = people.querySelectorAll("[data-person]").length + Date.now() % 1000 * 100;
    people.insertAdjacentHTML("beforeend", template.innerHTML.replaceAll("__n__", String(n)));
    const blocks = people.querySelectorAll("[data-person]");
    blocks[blocks.length - 1].querySelector("input").focus();
  });
});
