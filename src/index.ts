// First: it checks the event file before @actions/github reads it (see event-file.ts).
import { eventFileProblem } from "./action/event-file.js";
import { run } from "./main.js";

await run(eventFileProblem());
