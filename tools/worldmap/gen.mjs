// gen.mjs converts Natural Earth's 1:110m country boundaries, as the npm
// package world-atlas ships them (TopoJSON, public domain), into the small
// text file report/svg/worldmap.txt that sovmap embeds. Run it once when the
// boundaries should change; the output is committed. See README.md.
//
//   cd "$(mktemp -d)" && npm install world-atlas@2 topojson-client@3 i18n-iso-countries@7
//   NODE_PATH=$PWD/node_modules node /path/to/sovmap/tools/worldmap/gen.mjs > /path/to/sovmap/report/svg/worldmap.txt
//
// Projection: equirectangular, 1000 units wide, latitudes 84N to 58S
// (Antarctica left out). Points are rounded to whole units and consecutive
// duplicates dropped, which simplifies the 110m outlines further.
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.env.NODE_PATH || process.cwd(), "x.js"));
const topo = require("world-atlas/countries-110m.json");
const { feature } = require("topojson-client");
const iso = require("i18n-iso-countries");

const W = 1000, north = 84, south = -58;
const px = (lon) => Math.round(((lon + 180) / 360) * W);
const py = (lat) => Math.round(((north - lat) / 360) * W);

const out = [`# Natural Earth 1:110m admin-0 countries (public domain) via world-atlas ${require("world-atlas/package.json").version}; equirectangular, width ${W}, height ${py(south)}, lat ${north}..${south}`];
for (const f of feature(topo, topo.objects.countries).features) {
  if (f.id === "010") continue; // Antarctica
  const code = iso.numericToAlpha2(f.id) || "";
  const polys = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
  let d = "", best = null;
  for (const poly of polys) {
    for (const [ri, ring] of poly.entries()) {
      const pts = [];
      for (const [lon, lat] of ring) {
        const p = [px(lon), py(Math.max(south, Math.min(north, lat)))];
        // A ring that touches the antimeridian has points at both -180 and
        // 180: keep them on the side where the ring starts.
        if (pts.length && Math.abs(p[0] - pts[0][0]) > W / 2) p[0] = pts[0][0] < W / 2 ? 0 : W;
        const last = pts[pts.length - 1];
        if (!last || last[0] !== p[0] || last[1] !== p[1]) pts.push(p);
      }
      if (pts.length < 3) continue;
      d += "M" + pts[0][0] + " " + pts[0][1];
      for (let i = 1; i < pts.length; i++) d += "l" + (pts[i][0] - pts[i - 1][0]) + " " + (pts[i][1] - pts[i - 1][1]);
      d += "z";
      if (ri === 0) {
        const xs = pts.map((p) => p[0]), ys = pts.map((p) => p[1]);
        const box = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
        const area = (box[2] - box[0]) * (box[3] - box[1]);
        if (!best || area > best.area) best = { area, x: (box[0] + box[2]) >> 1, y: (box[1] + box[3]) >> 1 };
      }
    }
  }
  if (!d) continue;
  out.push([code, f.properties.name, best ? `${best.x},${best.y}` : "0,0", d].join("\t"));
}
process.stdout.write(out.join("\n") + "\n");
