"""Build the Microsoft Teams app package (manifest.json + icons, zipped) to upload in Teams.

    MICROSOFT_APP_ID=<bot's app id> python scripts/teams_package.py [--out results/teams/app.zip]
    python scripts/teams_package.py --icons     # redraw deploy/teams/color.png and outline.png

Settings (environment): MICROSOFT_APP_ID (required: the Azure Bot's Microsoft App ID); TEAMS_APP_ID (the
Teams app's own id, default the same); TEAMS_APP_VERSION (default 1.0.0; raise it for each new upload);
TEAMS_DEVELOPER_NAME, TEAMS_WEBSITE_URL, TEAMS_PRIVACY_URL, TEAMS_TERMS_URL (https addresses).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import struct
import sys
import zipfile
from pathlib import Path
from typing import Dict, List, Mapping

ROOT = Path(__file__).resolve().parent.parent
TEAMS = ROOT / "deploy" / "teams"
OUT = ROOT / "results" / "teams" / "safeguarding-guidance-teams.zip"
ICONS = {"color.png": 192, "outline.png": 32}
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")
BRAND = (0x1D, 0x4F, 0x7A)
DEFAULT_URL = "https://llrscb.proceduresonline.com/"


def settings(env: Mapping[str, str]) -> Dict[str, str]:
    app_id = env.get("MICROSOFT_APP_ID", "").strip()
    website = env.get("TEAMS_WEBSITE_URL") or DEFAULT_URL
    return {
        "MICROSOFT_APP_ID": app_id,
        "TEAMS_APP_ID": env.get("TEAMS_APP_ID") or app_id,
        "TEAMS_APP_VERSION": env.get("TEAMS_APP_VERSION") or "1.0.0",
        "TEAMS_DEVELOPER_NAME": env.get("TEAMS_DEVELOPER_NAME") or "LLR Safeguarding Children Partnership",
        "TEAMS_WEBSITE_URL": website,
        "TEAMS_PRIVACY_URL": env.get("TEAMS_PRIVACY_URL") or website,
        "TEAMS_TERMS_URL": env.get("TEAMS_TERMS_URL") or website,
    }


def problems(values: Mapping[str, str]) -> List[str]:
    found = [f"{k} must be a GUID (got {v!r})" for k, v in values.items()
             if k in ("MICROSOFT_APP_ID", "TEAMS_APP_ID") and not GUID.match(v)]
    found += [f"{k} must be an https address" for k, v in values.items() if k.endswith("_URL")
              and not v.startswith("https://")]
    if not re.fullmatch(r"\d+\.\d+\.\d+", values["TEAMS_APP_VERSION"]):
        found.append("TEAMS_APP_VERSION must look like 1.0.0")
    return found


def manifest(values: Mapping[str, str], template: Path = TEAMS / "manifest.json") -> dict:
    text = PLACEHOLDER.sub(lambda m: json.dumps(values[m.group(1)])[1:-1], template.read_text())
    return json.loads(text)


def png_size(data: bytes) -> tuple:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    return struct.unpack(">II", data[16:24])


def build(out: Path, env: Mapping[str, str]) -> Path:
    values = settings(env)
    errors = problems(values)
    if errors:
        raise SystemExit("Cannot build the Teams package:\n  " + "\n  ".join(errors))
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest(values), indent=2, ensure_ascii=False))
        for name, size in ICONS.items():
            data = (TEAMS / name).read_bytes()
            if png_size(data) != (size, size):
                raise SystemExit(f"deploy/teams/{name} must be {size}x{size} pixels")
            package.writestr(name, data)
    return out


def draw_icons() -> None:
    """A speech bubble: white on the brand colour (color.png), white outline on transparent (outline.png)."""
    from PIL import Image, ImageDraw

    color = Image.new("RGBA", (192, 192), BRAND + (255,))
    draw = ImageDraw.Draw(color)
    draw.rounded_rectangle([36, 40, 156, 124], radius=22, fill=(255, 255, 255, 255))
    draw.polygon([(58, 118), (58, 156), (96, 120)], fill=(255, 255, 255, 255))
    for y, right in ((66, 134), (84, 134), (102, 108)):
        draw.rounded_rectangle([58, y, right, y + 8], radius=4, fill=BRAND + (255,))
    color.save(TEAMS / "color.png", optimize=True)

    outline = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    draw = ImageDraw.Draw(outline)
    draw.rounded_rectangle([4, 5, 27, 21], radius=4, outline=(255, 255, 255, 255), width=2)
    draw.polygon([(9, 20), (9, 27), (16, 20)], fill=(255, 255, 255, 255))
    outline.save(TEAMS / "outline.png", optimize=True)


def main(argv: List[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--icons", action="store_true", help="redraw the icons in deploy/teams/")
    args = parser.parse_args(argv)
    if args.icons:
        draw_icons()
        print(f"Drew {', '.join(ICONS)} in {TEAMS.relative_to(ROOT)}")
        return
    path = build(args.out, os.environ)
    print(f"Teams app package: {path}\nUpload it in Teams: Apps -> Manage your apps -> Upload an app.")


if __name__ == "__main__":
    main(sys.argv[1:])
