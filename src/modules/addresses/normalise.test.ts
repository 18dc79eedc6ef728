import { describe, expect, it } from 'vitest';
import { looseStreetForms, normaliseStreet, parseAddress } from './normalise.js';

const read = (line1: string, line2?: string | null) => {
  const r = parseAddress(line1, line2);
  if (!r.ok) throw new Error(`${line1}: ${r.reason}`);
  return r.value;
};

describe('STU-2 reading a street address', () => {
  it.each([
    ['8312 Garfield Ave', 8312, 'GARFIELD AVENUE'],
    ['8312 garfield avenue', 8312, 'GARFIELD AVENUE'],
    ['8312 GARFIELD AV', 8312, 'GARFIELD AVENUE'],
    ['8312 Garfield Ave.', 8312, 'GARFIELD AVENUE'],
    ['  8312   Garfield    Ave  ', 8312, 'GARFIELD AVENUE'],
    ['7220 Jackson St', 7220, 'JACKSON STREET'],
    ['7220 Jackson Str', 7220, 'JACKSON STREET'],
    ['7220 Jackson St.', 7220, 'JACKSON STREET'],
    ['14429 Paramount Blvd', 14429, 'PARAMOUNT BOULEVARD'],
    ['14429 Paramount Blvd.', 14429, 'PARAMOUNT BOULEVARD'],
    ['10 Ocean Dr', 10, 'OCEAN DRIVE'],
    ['10 Mission Rd', 10, 'MISSION ROAD'],
    ['7400 Orchard Ln', 7400, 'ORCHARD LANE'],
    ['10 Sierra Pl', 10, 'SIERRA PLACE'],
    ['10 Maple Ct', 10, 'MAPLE COURT'],
    ['10 Harbor Way', 10, 'HARBOR WAY'],
    ['10 Pacific Coast Hwy', 10, 'PACIFIC COAST HIGHWAY'],
    ['10 Foothill Pkwy', 10, 'FOOTHILL PARKWAY'],
    ['10 Vista Ter', 10, 'VISTA TERRACE'],
    ['10 Sunset Cir', 10, 'SUNSET CIRCLE'],
    ['10 Highland Sq', 10, 'HIGHLAND SQUARE'],
  ])('STU-2 street types: "%s" → %i %s', (line, number, street) => {
    expect(read(line)).toEqual({ number, street });
  });

  it.each([
    ['5600 N Figueroa St', 'NORTH FIGUEROA STREET'],
    ['5600 N. Figueroa St.', 'NORTH FIGUEROA STREET'],
    ['5600 North Figueroa Street', 'NORTH FIGUEROA STREET'],
    ['900 S Figueroa St', 'SOUTH FIGUEROA STREET'],
    ['10 E Main St', 'EAST MAIN STREET'],
    ['10 W Main St', 'WEST MAIN STREET'],
    ['10 NE Main St', 'NORTHEAST MAIN STREET'],
    ['10 Main St NW', 'MAIN STREET NORTHWEST'],
    ['10 Main St S.W.', 'MAIN STREET SOUTHWEST'],
    ['10 SE Main St SE', 'SOUTHEAST MAIN STREET SOUTHEAST'],
  ])('STU-2 directionals before and after the name: "%s" → %s', (line, street) => {
    expect(read(line).street).toBe(street);
  });

  it('STU-2 a directional alone is the name ("100 N St", "100 North St" read alike)', () => {
    expect(read('100 N St').street).toBe(read('100 North Street').street);
    expect(read('100 Avenue E').street).toBe('AVENUE EAST');
  });

  it.each([
    ['8312 Garfield Ave Apt 4', 'APT 4'],
    ['8312 Garfield Ave Apt. 4B', 'APT 4B'],
    ['8312 Garfield Ave, Apt 4B', 'APT 4B'],
    ['8312 Garfield Ave Apartment 4', 'APT 4'],
    ['8312 Garfield Ave #12', '#12'],
    ['8312 Garfield Ave # 12', '#12'],
    ['8312 Garfield Ave Unit B', 'UNIT B'],
    ['8312 Garfield Ave Ste 200', 'STE 200'],
    ['8312 Garfield Ave Suite 200', 'STE 200'],
    ['8312 Garfield Ave Spc 14', 'SPC 14'],
    ['8312 Garfield Ave Space 14', 'SPC 14'],
    ['8312 Garfield Ave Apt4B', 'APT 4B'],
    ['8312 Garfield Ave Rm 3', 'RM 3'],
    ['8312 Garfield Ave Bldg C Apt 2', 'BLDG C APT 2'],
  ])('STU-2 units leave the street: "%s" → unit %s', (line, unit) => {
    expect(read(line)).toEqual({ number: 8312, street: 'GARFIELD AVENUE', unit });
  });

  it('STU-2 line 2 is the unit', () => {
    expect(read('8312 Garfield Ave', 'Apt 4')).toEqual({ number: 8312, street: 'GARFIELD AVENUE', unit: 'APT 4' });
    expect(read('8312 Garfield Ave', '#4')).toEqual({ number: 8312, street: 'GARFIELD AVENUE', unit: '#4' });
    expect(read('8312 Garfield Ave', '  ')).toEqual({ number: 8312, street: 'GARFIELD AVENUE' });
    expect(read('8312 Garfield Ave', null)).toEqual({ number: 8312, street: 'GARFIELD AVENUE' });
  });

  it('STU-2 a building name on line 1 and the street on line 2', () => {
    expect(read('Garden Apartments', '8312 Garfield Ave')).toMatchObject({ number: 8312, street: 'GARFIELD AVENUE' });
  });

  it('STU-2 a unit before the street, or the city and state after a comma, are not the street', () => {
    expect(read('Apt 4, 8312 Garfield Ave')).toEqual({ number: 8312, street: 'GARFIELD AVENUE', unit: 'APT 4' });
    expect(read('8312 Garfield Ave, Paramount, CA 90723')).toEqual({ number: 8312, street: 'GARFIELD AVENUE' });
  });

  it.each([
    ['1200-B Elm St', 1200],
    ['1200B Elm St', 1200],
    ['1200½ Elm St', 1200],
    ['1200 ½ Elm St', 1200],
    ['1200 1/2 Elm St', 1200],
    ['01200 Elm St', 1200],
    ['1200-1204 Elm St', 1200],
  ])('STU-2 the house number is the leading integer: "%s" → %i', (line, number) => {
    expect(read(line)).toEqual({ number, street: 'ELM STREET' });
  });

  it.each([
    ['Avenida César Chávez', 'AVENIDA CESAR CHAVEZ'],
    ['AVENIDA CESAR CHAVEZ', 'AVENIDA CESAR CHAVEZ'],
    ['Calle Peña', 'CALLE PENA'],
    ['Camino Muñoz', 'CAMINO MUNOZ'],
    ['Avda. Ñandú', 'AVENIDA NANDU'],
  ])('STU-2 accents are folded: "15 %s" → %s', (street, expected) => {
    expect(read(`15 ${street}`).street).toBe(expected);
  });

  it('STU-2 titles before a name are not street types; ordinals are numbers', () => {
    expect(read('100 St Andrews Pl').street).toBe('SAINT ANDREWS PLACE');
    expect(read('100 Saint Andrews Place').street).toBe('SAINT ANDREWS PLACE');
    expect(read('100 Mt Vernon Ave').street).toBe('MOUNT VERNON AVENUE');
    expect(read('100 Dr Martin Luther King Jr Blvd').street).toBe('DOCTOR MARTIN LUTHER KING JR BOULEVARD');
    expect(read('100 W 1st St').street).toBe('WEST 1ST STREET');
    expect(read('100 West First Street').street).toBe('WEST 1ST STREET');
    expect(read('100 Ave of the Stars').street).toBe('AVENUE OF THE STARS');
  });

  it('STU-2 words that look like units but are names stay in the street', () => {
    expect(read('100 Space Center Blvd').street).toBe('SPACE CENTER BOULEVARD');
    expect(read('100 Park Lot Rd').street).toBe('PARK LOT ROAD');
    expect(read("100 O'Neil St").street).toBe('ONEIL STREET');
    expect(read('100 Wilkes-Barre St').street).toBe('WILKES BARRE STREET');
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['PO Box 12', 'no-number'],
    ['Garfield Ave', 'no-number'],
    ['12th St', 'no-number'],
    ['0 Garfield Ave', 'no-number'],
    ['1234567 Garfield Ave', 'no-number'],
    ['8312', 'no-street'],
    ['8312 #4', 'no-street'],
  ])('STU-2 unreadable: "%s" → %s', (line, reason) => {
    expect(parseAddress(line)).toEqual({ ok: false, reason });
  });

  it('STU-2 a range file and a parent write a street the same way', () => {
    expect(normaliseStreet('Garfield Ave')).toBe(read('8312 GARFIELD AVENUE APT 4').street);
    expect(normaliseStreet('n. figueroa st')).toBe('NORTH FIGUEROA STREET');
    expect(normaliseStreet('  Avenida  Cesar Chávez ')).toBe('AVENIDA CESAR CHAVEZ');
    expect(normaliseStreet('DOWNEY AV')).toBe('DOWNEY AVENUE');
    expect(normaliseStreet('')).toBe('');
  });

  it('STU-3 loose forms: the street type or the directional a parent left out', () => {
    expect(looseStreetForms('NORTH FIGUEROA')).toMatchObject({ prefix: 'NORTH FIGUEROA ', withDirectional: [] });
    const f = looseStreetForms('FIGUEROA STREET');
    expect(f.prefix).toBeNull();
    expect(f.withDirectional).toContain('NORTH FIGUEROA STREET');
  });
});
