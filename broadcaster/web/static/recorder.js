// Recording a clip in the browser: the microphone (getUserMedia) recorded by MediaRecorder, its level drawn
// from an AnalyserNode, and the take put into the clip form's file field, sent like an uploaded clip.
// A static file: the Content-Security-Policy allows no inline script.
"use strict";

function setUpRecorder(form) {
  const record = form.querySelector("[data-record]");
  const stop = form.querySelector("[data-stop]");
  const status = form.querySelector("[data-recorder-status]");
  const take = form.querySelector("[data-take]");
  const canvas = form.querySelector("canvas.level");
  const file = form.querySelector("input[type=file][name=clip]");
  if (!navigator.mediaDevices || !window.MediaRecorder) {
    record.disabled = true;
    status.textContent = status.dataset.unavailable;
    return;
  }
  let recorder = null, stream = null, audio = null, drawing = 0;

  function meter(analyser) {
    const samples = new Float32Array(analyser.fftSize);
    const context2d = canvas.getContext("2d");
    const draw = () => {
      analyser.getFloatTimeDomainData(samples);
      let peak = 0;
      for (const s of samples) peak = Math.max(peak, Math.abs(s));
      const db = peak > 0 ? 20 * Math.log10(peak) : -90;
      const level = Math.max(0, Math.min(1, (db + 60) / 60));  // -60 dBFS .. 0 dBFS
      context2d.clearRect(0, 0, canvas.width, canvas.height);
      context2d.fillStyle = db > -1 ? "#c62828" : db > -12 ? "#9a6700" : "#1a7f37";
      context2d.fillRect(0, 0, canvas.width * level, canvas.height);
      drawing = requestAnimationFrame(draw);
    };
    draw();
  }

  record.addEventListener("click", async () => {
    try {
      stream = await navigator.mediaDevices.getUserMedia({audio: true});
    } catch (error) {
      status.textContent = error.name;
      return;
    }
    audio = new AudioContext();
    const analyser = audio.createAnalyser();
    analyser.fftSize = 2048;
    audio.createMediaStreamSource(stream).connect(analyser);
    meter(analyser);
    const chunks = [];
    recorder = new MediaRecorder(stream);
    recorder.addEventListener("dataavailable", (event) => chunks.push(event.data));
    recorder.addEventListener("stop", () => {
      cancelAnimationFrame(drawing);
      stream.getTracks().forEach((track) => track.stop());
      audio.close();
      const type = recorder.mimeType || "audio/webm";
      const blob = new Blob(chunks, {type});
      const extension = type.includes("ogg") ? ".ogg" : type.includes("mp4") ? ".m4a" : ".webm";
      const files = new DataTransfer();
      files.items.add(new File([blob], "recording" + extension, {type}));
      file.files = files.files;
      take.src = URL.createObjectURL(blob);
      take.hidden = false;
      status.textContent = (blob.size / 1024).toFixed(0) + " kB";
      record.disabled = false;
      stop.disabled = true;
    });
    recorder.start(1000);
    record.disabled = true;
    stop.disabled = false;
    status.textContent = "●";
  });

  stop.addEventListener("click", () => {
    if (recorder && recorder.state !== "inactive") recorder.stop();
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-recorder]").forEach(setUpRecorder);
});
