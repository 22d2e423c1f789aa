/**
 * The cities the seed puts service centres in: real city-centre coordinates (WGS 84), the
 * city's IANA time zone and currency, a price level against the country's typical prices
 * (London garages charge more than Manchester's), and the local habits a partner would enter:
 * the usual weekday hours and phone numbering. Neighbourhoods and streets name the centres.
 */
export interface City {
  name: string;
  lat: number;
  lng: number;
  timezone: string;
  /** ISO 4217. */
  currency: 'GBP' | 'EUR' | 'USD';
  /** Multiplies the country's base prices. */
  priceLevel: number;
  /** How far from the centre garages are spread, km (the metropolitan area). */
  radiusKm: number;
  /** Share of the seed's centres here (the weights are relative). */
  weight: number;
  /** Weekday habits: `split` closes for a long lunch (Madrid), `us` opens earlier and on Saturday afternoons. */
  habit: 'eu' | 'split' | 'us';
  /** The phone prefix, then how many local digits follow. */
  phone: { prefix: string; digits: number };
  districts: readonly string[];
  streets: readonly string[];
  /** A postcode for a district (index), in the local format. */
  postcode: (district: number, n: number) => string;
}

export const CITIES: readonly City[] = [
  {
    name: 'London',
    lat: 51.5074,
    lng: -0.1278,
    timezone: 'Europe/London',
    currency: 'GBP',
    priceLevel: 1.25,
    radiusKm: 18,
    weight: 20,
    habit: 'eu',
    phone: { prefix: '+44 20', digits: 8 },
    districts: ['Camden', 'Hackney', 'Brixton', 'Islington', 'Fulham', 'Croydon', 'Ealing', 'Wandsworth', 'Stratford'],
    streets: ['High Street', 'Station Road', 'Church Lane', 'Mill Road', 'Kings Road', 'Victoria Road', 'Park Lane'],
    postcode: (d, n) => `${['NW1', 'E8', 'SW9', 'N1', 'SW6', 'CR0', 'W5', 'SW18', 'E15'][d]} ${1 + (n % 9)}AB`,
  },
  {
    name: 'Manchester',
    lat: 53.4808,
    lng: -2.2426,
    timezone: 'Europe/London',
    currency: 'GBP',
    priceLevel: 1.0,
    radiusKm: 12,
    weight: 10,
    habit: 'eu',
    phone: { prefix: '+44 161', digits: 7 },
    districts: ['Ancoats', 'Salford', 'Didsbury', 'Chorlton', 'Stretford', 'Levenshulme', 'Moss Side'],
    streets: ['Oxford Road', 'Deansgate', 'Wilmslow Road', 'Stockport Road', 'Ashton Old Road', 'Bury New Road'],
    postcode: (d, n) => `M${[4, 5, 20, 21, 32, 19, 14][d]} ${1 + (n % 9)}QX`,
  },
  {
    name: 'Berlin',
    lat: 52.52,
    lng: 13.405,
    timezone: 'Europe/Berlin',
    currency: 'EUR',
    priceLevel: 1.05,
    radiusKm: 15,
    weight: 15,
    habit: 'eu',
    phone: { prefix: '+49 30', digits: 8 },
    districts: ['Mitte', 'Kreuzberg', 'Neukölln', 'Pankow', 'Spandau', 'Lichtenberg', 'Charlottenburg', 'Tempelhof'],
    streets: ['Hauptstraße', 'Bahnhofstraße', 'Berliner Allee', 'Gartenstraße', 'Schillerstraße', 'Industriestraße'],
    postcode: (d) => String([10115, 10997, 12043, 13187, 13581, 10365, 10585, 12099][d]),
  },
  {
    name: 'Paris',
    lat: 48.8566,
    lng: 2.3522,
    timezone: 'Europe/Paris',
    currency: 'EUR',
    priceLevel: 1.15,
    radiusKm: 15,
    weight: 15,
    habit: 'eu',
    phone: { prefix: '+33 1', digits: 8 },
    districts: ['Montparnasse', 'Belleville', 'Batignolles', 'Bercy', 'Saint-Denis', 'Boulogne', 'Vincennes'],
    streets: ['Rue de la République', 'Avenue Jean Jaurès', 'Rue Victor Hugo', 'Boulevard Voltaire', 'Rue de Paris'],
    postcode: (d) => ['75014', '75020', '75017', '75012', '93200', '92100', '94300'][d]!,
  },
  {
    name: 'Madrid',
    lat: 40.4168,
    lng: -3.7038,
    timezone: 'Europe/Madrid',
    currency: 'EUR',
    priceLevel: 0.9,
    radiusKm: 14,
    weight: 10,
    habit: 'split',
    phone: { prefix: '+34 91', digits: 7 },
    districts: ['Chamberí', 'Vallecas', 'Carabanchel', 'Tetuán', 'Usera', 'Hortaleza', 'Getafe'],
    streets: ['Calle Mayor', 'Calle de Alcalá', 'Avenida de América', 'Calle de Toledo', 'Paseo de Extremadura'],
    postcode: (d) => ['28010', '28031', '28025', '28020', '28026', '28033', '28901'][d]!,
  },
  {
    name: 'New York',
    lat: 40.7128,
    lng: -74.006,
    timezone: 'America/New_York',
    currency: 'USD',
    priceLevel: 1.3,
    radiusKm: 20,
    weight: 20,
    habit: 'us',
    phone: { prefix: '+1 718', digits: 7 },
    districts: ['Brooklyn', 'Queens', 'Bronx', 'Staten Island', 'Harlem', 'Astoria', 'Flushing'],
    streets: ['Atlantic Avenue', 'Broadway', 'Northern Boulevard', 'Flatbush Avenue', 'Jamaica Avenue', '3rd Avenue'],
    postcode: (d) => ['11201', '11101', '10451', '10301', '10027', '11102', '11354'][d]!,
  },
  {
    name: 'Chicago',
    lat: 41.8781,
    lng: -87.6298,
    timezone: 'America/Chicago',
    currency: 'USD',
    priceLevel: 1.0,
    radiusKm: 18,
    weight: 10,
    habit: 'us',
    phone: { prefix: '+1 312', digits: 7 },
    districts: ['Lincoln Park', 'Pilsen', 'Wicker Park', 'Hyde Park', 'Logan Square', 'Bridgeport', 'Evanston'],
    streets: ['Western Avenue', 'Milwaukee Avenue', 'Halsted Street', 'Cicero Avenue', 'Ashland Avenue'],
    postcode: (d) => ['60614', '60608', '60622', '60615', '60647', '60609', '60201'][d]!,
  },
];
