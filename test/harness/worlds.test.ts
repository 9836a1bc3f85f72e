import { playableWorlds } from './worlds';
import { FakeControlPlane } from '../fake/fake-control-plane';
import { DEFAULT_WORLD, WORLDS } from '../fake/service-worlds';

test('the worlds played are all of WORLDS once the fake has setWorld, and until then the default and the two dimensions today\'s fake has policies for', () => {
  const fakeHasWorlds = typeof (FakeControlPlane.prototype as unknown as { setWorld?: unknown }).setWorld === 'function';
  const legacy = WORLDS.filter(world => Object.entries(world).every(([key, value]) =>
    value === DEFAULT_WORLD[key as keyof typeof DEFAULT_WORLD] || (key === 'firstAssociation') || (key === 'otherTeamWhileActive' && value === 'approval')));
  expect(playableWorlds()).toEqual(fakeHasWorlds ? WORLDS : legacy);
  expect(playableWorlds()[0]).toEqual(DEFAULT_WORLD);
});
