// Downloads one dataset revision with @huggingface/hub's snapshotDownload into a cache folder.
// Usage: node snapshot.mjs <hubUrl> <repo> <revision> <cacheDir>
import { snapshotDownload } from "@huggingface/hub";

const [hubUrl, name, revision, cacheDir] = process.argv.slice(2);
console.debug = () => {};
const folder = await snapshotDownload({ repo: { type: "dataset", name }, revision, cacheDir, hubUrl });
console.log(folder);
