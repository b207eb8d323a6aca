// Click-to-set focal point for the media library admin (templates/admin/library/image/
// focal_point.html). Progressive: the numeric focal_x/focal_y fields work without it.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const picker = document.querySelector("[data-focal-picker]");
  const fieldX = document.getElementById("id_focal_x");
  const fieldY = document.getElementById("id_focal_y");
  if (!picker || !fieldX || !fieldY) return;
  const marker = picker.querySelector(".library-focal__marker");
  const place = () => {
    marker.style.left = `${Number(fieldX.value) * 100}%`;
    marker.style.top = `${Number(fieldY.value) * 100}%`;
    marker.hidden = false;
  };
  picker.querySelector("img").addEventListener("click", (event) => {
    const box = event.currentTarget.getBoundingClientRect();
    const clamp = (value) => Math.min(Math.max(value, 0), 1).toFixed(2);
    fieldX.value = clamp((event.clientX - box.left) / box.width);
    fieldY.value = clamp((event.clientY - box.top) / box.height);
    place();
  });
  fieldX.addEventListener("input", place);
  fieldY.addEventListener("input", place);
  place();
});
