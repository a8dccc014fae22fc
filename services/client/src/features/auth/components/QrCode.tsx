import { useMemo } from 'react';
import { create } from 'qrcode';

// The blank margin scanners need around the symbol, in modules.
const QUIET_ZONE = 4;

/**
 * `text` as a QR code, drawn here as SVG: the secret it holds never leaves the page for an
 * image service.
 */
export function QrCode({ text, label, size = 200 }: { text: string; label: string; size?: number }) {
  const { path, width } = useMemo(() => {
    const { modules } = create(text, { errorCorrectionLevel: 'M' });
    const squares: string[] = [];
    for (let row = 0; row < modules.size; row++) {
      for (let column = 0; column < modules.size; column++) {
        if (modules.data[row * modules.size + column]) squares.push(`M${column + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`);
      }
    }
    return { path: squares.join(''), width: modules.size + 2 * QUIET_ZONE };
  }, [text]);
  return (
    <svg role="img" aria-label={label} viewBox={`0 0 ${width} ${width}`} width={size} height={size} shapeRendering="crispEdges">
      <rect width={width} height={width} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
